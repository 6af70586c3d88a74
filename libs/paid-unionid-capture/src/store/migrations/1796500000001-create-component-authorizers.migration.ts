import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { COMPONENT_AUTHORIZERS_TABLE } from '../store.constants';

/**
 * Creates `component_authorizers`: per platform and authorising mini program, the
 * `authorizer_refresh_token` (no expiry), the granted permission sets (`func_ids`, a JSON array)
 * and the revocation, as of `updated_at_ms`.
 */
export class CreateComponentAuthorizers1796500000001 implements MigrationInterface {
  readonly name = 'CreateComponentAuthorizers1796500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: COMPONENT_AUTHORIZERS_TABLE,
        columns: [
          { name: 'component_app_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'authorizer_app_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'refresh_token', type: 'text', isNullable: true },
          { name: 'func_ids', type: 'text', isNullable: true },
          { name: 'revoked_at_ms', type: 'bigint', isNullable: true },
          { name: 'updated_at_ms', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(COMPONENT_AUTHORIZERS_TABLE);
  }
}
