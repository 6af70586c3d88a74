import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { COMPONENT_TICKETS_TABLE } from '../store.constants';

/**
 * Creates `component_tickets`: the newest `component_verify_ticket` of each third-party platform
 * (`PaidUnionIdCaptureComponentStore`), so a restart need not wait for the next push.
 */
export class CreateComponentTickets1796500000000 implements MigrationInterface {
  readonly name = 'CreateComponentTickets1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: COMPONENT_TICKETS_TABLE,
        columns: [
          { name: 'component_app_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'ticket', type: 'text' },
          { name: 'created_at_ms', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(COMPONENT_TICKETS_TABLE);
  }
}
