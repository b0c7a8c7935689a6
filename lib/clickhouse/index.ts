// The ClickHouse sink: tables, Native-format batches, spool.
export { ClickHouseSink, parseClickHouseUrl } from './sink';
export type { ClickHouseSinkOptions, ClickHouseSinkStats, ClickHouseTarget } from './sink';
export { schemaSql, createTableSql, distributedSql, PACKET_COLUMNS, FLOW_COLUMNS } from './schema';
export type { Column, TableName } from './schema';
