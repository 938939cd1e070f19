import type { ColumnType, Generated } from 'kysely';

/** The column shapes every table type is written in (what is read, inserted and updated). */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns come back as YYYY-MM-DD strings (see db/database.ts). */
export type DateOnly = ColumnType<string, string, string>;
export type Json<T> = ColumnType<T, string, string>;
export type Uuid = Generated<string>;
