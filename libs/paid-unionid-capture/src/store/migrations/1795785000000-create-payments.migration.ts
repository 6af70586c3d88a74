import { Table, TableCheck, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { PAYMENTS_TABLE } from '../store.constants';

/**
 * Creates `payments`: one row per accepted payment with its lookup state.
 * Written with the driver-neutral Table API so it runs on SQLite and PostgreSQL alike.
 */
export class CreatePayments1795785000000 implements MigrationInterface {
  readonly name = 'CreatePayments1795785000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: PAYMENTS_TABLE,
        columns: [
          { name: 'transaction_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'notification_id', type: 'varchar', length: '64' },
          { name: 'out_trade_no', type: 'varchar', length: '64' },
          { name: 'mch_id', type: 'varchar', length: '32' },
          { name: 'app_id', type: 'varchar', length: '64' },
          { name: 'openid', type: 'varchar', length: '128' },
          { name: 'amount_total', type: 'integer' },
          { name: 'currency', type: 'varchar', length: '16' },
          { name: 'success_time_ms', type: 'bigint' },
          { name: 'deadline_ms', type: 'bigint' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'unionid', type: 'varchar', length: '128', isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at_ms', type: 'bigint' },
          { name: 'lease_owner', type: 'varchar', length: '128', isNullable: true },
          { name: 'lease_until_ms', type: 'bigint', isNullable: true },
          { name: 'last_errcode', type: 'integer', isNullable: true },
          { name: 'last_errmsg', type: 'text', isNullable: true },
          { name: 'created_at_ms', type: 'bigint' },
          { name: 'updated_at_ms', type: 'bigint' },
          { name: 'resolved_at_ms', type: 'bigint', isNullable: true },
        ],
        checks: [
          new TableCheck({
            name: 'CHK_payments_status',
            expression: "status IN ('pending', 'resolved', 'failed')",
          }),
        ],
        indices: [
          // A WeChat retry re-signs the same payment under a new notification id, and the
          // same notification may arrive twice: either key alone identifies a duplicate.
          new TableIndex({
            name: 'UQ_paid_unionid_payments_notification_id',
            columnNames: ['notification_id'],
            isUnique: true,
          }),
          // Serves the "due and pending" scan of claimDue.
          new TableIndex({
            name: 'IDX_paid_unionid_payments_status_next_attempt',
            columnNames: ['status', 'next_attempt_at_ms'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(PAYMENTS_TABLE);
  }
}
