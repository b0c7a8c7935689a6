// NativeExporter: the flow table and the ClickHouse Native-block encoders behind
// lib/flow/table.ts and lib/clickhouse/sink.ts. One N-API call takes a whole
// batch of record slots: each record goes through the flow table and, when
// packet rows are wanted, its values are staged column by column straight
// from the record; flows that end are staged as flow rows (sink) or kept in a
// fixed layout for JS (FlowTable's records). A batch taken is encoded as one
// Native block, its rows in the table's sorting key order. The columns, their
// order and the sorting key come from lib/clickhouse/schema.ts (handed over at
// construction and checked here); this file knows how to write each column by name.
#pragma once

#include <napi.h>

namespace pktkit {

// Registers NativeExporter and flowLayout on the addon's exports.
void init_exporter(Napi::Env env, Napi::Object exports);

}  // namespace pktkit
