import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { UNIONIDS_TABLE } from '../store.constants';

/** Creates `unionids`: the unionid learned for each openid. */
export class CreateUnionIds1795785000001 implements MigrationInterface {
  readonly name = 'CreateUnionIds1795785000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: UNIONIDS_TABLE,
        columns: [
          { name: 'openid', type: 'varchar', length: '128', isPrimary: true },
          { name: 'unionid', type: 'varchar', length: '128' },
          { name: 'app_id', type: 'varchar', length: '64' },
          { name: 'updated_at_ms', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(UNIONIDS_TABLE);
  }
}
