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
  // A tracepoint that cannot be resolved here (no tracefs): why, with the fix. A group
  // reports such an event unsupported with this reason instead of opening it.
  std::string unavailable;
  // perf's modifiers: "name:u" counts user space only (exclude_kernel), "name:k" the kernel
  // only (exclude_user); "name:uk" both, like no modifier.
  bool exclude_user = false;
  bool exclude_kernel = false;
  // A run's events with the same number are opened as one perf_event group (perf's {a,b}).
  int group = 0;
};

// Every named (non-tracepoint, non-raw) event in the table, in a stable order.
std::vector<EventSpec> NamedEvents();

// Resolves a name: a table entry, "category:name" via tracefs, or "rNNNN" (hex), each
// optionally followed by perf's ":u" / ":k" modifier.
// On failure returns false and sets *code ("UNKNOWN_EVENT", "UNKNOWN_TRACEPOINT",
// "BAD_RAW_EVENT") and *message. Without tracefs a well-formed tracepoint name still
// resolves, with spec.unavailable saying why it cannot be counted: one missing mount
// must not stop the other events.
bool ResolveEvent(const std::string& name, EventSpec* out, std::string* code, std::string* message);

struct TracefsStatus {
  std::string root;       // the tracefs in use, "" when there is none
  bool mounted_here = false;  // this process mounted it (it was not mounted before)
  // When mounted_here: says so. When root is "": why there is none and the fix. Else "".
  std::string note;
};

// Finds tracefs. When none is mounted, tries once per process to mount it at
// /sys/kernel/tracing, as perf does (it needs CAP_SYS_ADMIN in this mount namespace).
TracefsStatus Tracefs();

// Tracefs().root.
std::string TracefsRoot();

}  // namespace prtip
