import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UNIONIDS_TABLE } from '../store.constants';
import { bigintNumberTransformer } from './bigint-number.transformer';

/** The unionid learned for an openid (the latest one written wins). */
@Entity({ name: UNIONIDS_TABLE })
export class UnionId {
  @PrimaryColumn({ name: 'openid', type: 'varchar', length: 128 })
  openid: string;

  @Column({ name: 'unionid', type: 'varchar', length: 128 })
  unionid: string;

  /** Appid of the payment the unionid came from. */
  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'updated_at_ms', type: 'bigint', transformer: bigintNumberTransformer })
  updatedAtMs: number;
}
