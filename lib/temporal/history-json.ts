// Reads a workflow history in the JSON form the Temporal CLI (`temporal workflow show --output json`)
// and the Web UI's download write, for Worker.runReplayHistories. The SDK's own historyFromJSON
// (@temporalio/common/lib/proto-utils) fails with "type must be a Type" in this install: @temporalio/common
// and @temporalio/proto each carry their own copy of protobufjs 8 (the top level holds @grpc/proto-loader's
// protobufjs 7), and protobufjs checks types with instanceof. Here the JSON reader is loaded from the same
// protobufjs copy as the proto types, whichever layout npm chose.
import { createRequire } from 'node:module';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;
type FromJson = (type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }) => History | null;

const requireHere = createRequire(import.meta.url);
const requireFromProto = createRequire(requireHere.resolve('@temporalio/proto'));
const { fromJson } = requireFromProto('protobufjs/ext/protojson') as { fromJson: FromJson };
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

// Parses a history's JSON object (events with full enum names, as the Temporal CLI writes them).
export function historyFromCliJson(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('not a workflow history: expected an object with an array of events');
  }
  const history = fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a workflow history');
  return history;
}
