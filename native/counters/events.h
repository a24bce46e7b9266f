// Event names as perf(1) spells them, resolved to perf_event_attr type/config.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace prtip {

enum class EventKind { Hardware, HardwareCache, Software, Tracepoint, Raw };

const char* EventKindName(EventKind kind);

struct EventSpec {
  std::string name;
  EventKind kind;
  uint32_t type = 0;
  uint64_t config = 0;
};

// Every named (non-tracepoint, non-raw) event in the table, in a stable order.
std::vector<EventSpec> NamedEvents();

// Resolves a name: a table entry, "category:name" via tracefs, or "rNNNN" (hex).
// On failure returns false and sets *code ("UNKNOWN_EVENT", "NO_TRACEFS",
// "UNKNOWN_TRACEPOINT", "BAD_RAW_EVENT") and *message.
bool ResolveEvent(const std::string& name, EventSpec* out, std::string* code, std::string* message);

// The tracefs mount in use ("" when none is mounted).
std::string TracefsRoot();

}  // namespace prtip
