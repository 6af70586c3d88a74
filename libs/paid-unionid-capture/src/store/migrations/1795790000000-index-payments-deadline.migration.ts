import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { PAYMENTS_TABLE } from '../store.constants';

const INDEX = 'IDX_paid_unionid_payments_status_deadline';

/**
 * Serves `expireOverdue`, which every scan runs: without it each scan read every pending row
 * (measured: the largest self-time under load with a backlog of pending payments).
 */
export class IndexPaymentsDeadline1795790000000 implements MigrationInterface {
  name = 'IndexPaymentsDeadline1795790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      PAYMENTS_TABLE,
      new TableIndex({ name: INDEX, columnNames: ['status', 'deadline_ms'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex(PAYMENTS_TABLE, INDEX);
  }
}
