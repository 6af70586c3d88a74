import type { ValueTransformer } from 'typeorm';

/**
 * Maps `bigint` epoch-millisecond columns to JS numbers: pg returns bigint as a string
 * (it may exceed 2^53), while epoch ms stay far below that limit.
 */
export const bigintNumberTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null | undefined) =>
    value === null || value === undefined ? value : Number(value),
};
