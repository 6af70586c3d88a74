import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { PAYMENTS_TABLE } from '../store.constants';

const INDEX = 'IDX_paid_unionid_payments_undelivered';

/**
 * The payments table becomes the outbox of `onResolved`/`onFailed`: a terminal row stays
 * undelivered until a handler returned. The partial index keeps the delivery scan to the
 * (few) undelivered rows.
 */
export class AddPaymentEvents1796400000000 implements MigrationInterface {
  name = 'AddPaymentEvents1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns(PAYMENTS_TABLE, [
      new TableColumn({ name: 'event_delivered_at_ms', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'event_attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'event_next_at_ms', type: 'bigint', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      PAYMENTS_TABLE,
      new TableIndex({
        name: INDEX,
        columnNames: ['event_next_at_ms'],
        where: "event_delivered_at_ms IS NULL AND status <> 'pending'",
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex(PAYMENTS_TABLE, INDEX);
    await queryRunner.dropColumns(PAYMENTS_TABLE, [
      'event_delivered_at_ms',
      'event_attempts',
      'event_next_at_ms',
    ]);
  }
}
