"""The parts of scripts/hot-functions.sh: representative sessions, and the list they make.

    python3 scripts/hot_functions.py engine COMMAND...  # every engine tool, in all three eras
    python3 scripts/hot_functions.py store COMMAND...   # the account-memory tools
    python3 scripts/hot_functions.py order BINARY OUT ENGINE_PROFILES -- STORE_PROFILES
    python3 scripts/hot_functions.py check BINARY LIST   # fails when the list is stale

The sessions drive a server over its stdin and stdout the way hosts and assistants use it, so
callgrind sees the functions real sessions run. Every request must be answered; a missing
answer stops the script with an error, so a list is never taken from a session that broke
half-way. `order` reads the callgrind profiles and writes the linker's symbol order: the
binary's functions the engine sessions ran, the busiest first, then those only the store
sessions ran.
"""

import collections
import json
import re
import subprocess
import sys

EXAMPLE = "examples/northwind-saas.json"


class Session:
    def __init__(self, command, era):
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.next = 0
        self.era = era
        self.answered = {"result": 0, "error": 0}
        if era == "2026-07-28":
            self.request("server/discover", {})
        else:
            info = {"name": "hot-session", "version": "0"}
            self.request("initialize", {"protocolVersion": era, "capabilities": {},
                                        "clientInfo": info})
            self.notify("notifications/initialized")

    def send(self, message):
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def notify(self, method):
        self.send({"jsonrpc": "2.0", "method": method})

    def request(self, method, params):
        self.next += 1
        message = {"jsonrpc": "2.0", "id": self.next, "method": method, "params": params}
        if self.era == "2026-07-28":
            meta = {"io.modelcontextprotocol/protocolVersion": self.era,
                    "io.modelcontextprotocol/clientInfo": {"name": "hot-session",
                                                           "version": "0"},
                    "io.modelcontextprotocol/clientCapabilities": {}}
            message["params"] = dict(params, _meta=meta)
        self.send(message)
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"the server stopped answering at {method}")
        answer = json.loads(line)
        self.answered["error" if "error" in answer else "result"] += 1
        return answer

    def call(self, tool, arguments):
        answer = self.request("tools/call", {"name": tool, "arguments": arguments})
        return answer.get("result", {}).get("structuredContent", {})

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()
        print(f"session {self.era}: {self.answered['result']} results, "
              f"{self.answered['error']} JSON-RPC errors", file=sys.stderr)


def engine(command):
    example = json.load(open(EXAMPLE))
    for era in ["2025-11-25", "2025-06-18", "2026-07-28"]:
        s = Session(command, era)
        s.request("tools/list", {})
        s.request("prompts/list", {})
        s.request("resources/list", {})
        s.request("resources/templates/list", {})
        s.request("resources/read",
                  {"uri": "skill://customer-relationship-ladder/SKILL.md"})
        s.request("prompts/get", {"name": "engine_mode", "arguments": {"account": "Acme"}})
        s.request("completion/complete",
                  {"ref": {"type": "ref/prompt", "name": "engine_mode"},
                   "argument": {"name": "domain", "value": "sa"}})
        s.request("ping", {})
        for facts in [{"account_acv": {"amount": 84000}, "customer_count": 140},
                      {"account_acv": {"amount": 300}, "customer_count": 140},
                      {"customer_count": 140}]:
            s.call("check_activation", facts)
        started = s.call("coach", {"account": "Northwind", "account_owner": "Dana",
                                   "acv": {"amount": 84000}, "customer_count": 140})
        handle = started.get("session")
        answers = [
            {"step": 1, "text": "Fixed their label printer; trained two dispatchers"},
            {"step": 3, "text": "skipping ahead"},
            {"step": 2, "text": "Built an exception export they never asked for",
             "concrete": True},
            {"step": 3, "text": "No, we see plans after the board",
             "shared_before_final": "no"},
            {"step": 4, "text": "a"},
            {"step": 5, "action": "Assign Priya Nair to shadow their dispatch planners",
             "owner": "Priya Nair", "due": "2026-12-20"},
        ]
        for answer in answers:
            s.call("coach", dict(answer, session=handle))
        diagnosis = {}
        for _ in range(3):
            diagnosis = s.call("diagnose", example)
        broken = json.loads(json.dumps(example))
        broken["evidence"][0]["when"] = "last spring"
        s.call("diagnose", broken)
        s.call("audit_trust", {"date": example["date"], "trust": example["trust"]})
        card = diagnosis.get("card")
        if card:
            for form in ["text", "markdown", "json", "svg"]:
                s.call("render_card", {"card": card, "format": form})
        s.call("read_skill", {"section": "Output: Diagnostic Card"})
        s.call("no_such_tool", {})
        s.close()


def store(command):
    example = json.load(open(EXAMPLE))
    s = Session(command, "2025-11-25")
    account = {"name": "Northwind Logistics", "domain": "saas", "acv": {"amount": 84000},
               "renewal": "2027-01-31"}
    s.call("record", {"account": account, "recorded_by": "Dana", "diagnosis": example})
    s.call("record", {"account": account, "trust_audit": {"date": example["date"],
                                                          "trust": example["trust"]}})
    s.call("record", {"account": account, "sharing": {"what": "their routing plan",
                                                      "by": "CTO", "date": "2026-11-01",
                                                      "before_public": True}})
    s.call("record", {"account": account, "action": {"action": "Shadow dispatch",
                                                     "owner": "Priya", "due": "2026-12-20",
                                                     "outcome": "open"}})
    s.call("diagnose", dict(example, record={"recorded_by": "Dana"}))
    s.call("history", {"account": "Northwind Logistics"})
    s.call("alerts", {"date": "2026-12-21"})
    s.call("portfolio", {"date": "2026-12-21"})
    s.request("resources/read", {"uri": "ladder://accounts/Northwind%20Logistics/card"})
    s.request("resources/read", {"uri": "ladder://accounts/Northwind%20Logistics/history"})
    s.close()


def self_costs(path):
    """The instructions each function ran itself, by symbol name, from one callgrind file."""
    names, costs = {}, collections.Counter()
    current, skip_next = None, False
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
        if m:
            kind, ident, name = m.groups()
            if name:
                names[ident] = name
            if kind == "fn":
                current = names.get(ident)
            continue
        if line.startswith("calls="):
            # The line after a call holds the call's inclusive cost, not the caller's own.
            skip_next = True
            continue
        if line and (line[0].isdigit() or line[0] in "+-*") and current:
            if skip_next:
                skip_next = False
                continue
            fields = line.split()
            if len(fields) >= 2 and fields[1].isdigit():
                costs[current] += int(fields[1])
    return costs


def function_sizes(binary):
    """The binary's functions and their sizes, from its symbol table."""
    listing = subprocess.run(["nm", "--defined-only", "-S", binary], capture_output=True,
                             text=True, check=True).stdout
    sizes = {}
    for row in listing.splitlines():
        parts = row.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            sizes[parts[3]] = int(parts[1], 16)
    if not sizes:
        sys.exit(f"{binary} has no symbol table: build it with the release profile")
    return sizes


def check(binary, listed, least=0.95):
    """Fails unless most of the list names functions of the binary: a dependency, compiler or
    version change renames symbols, and a stale list silently costs the layout."""
    sizes = function_sizes(binary)
    names = open(listed).read().split()
    found = sum(1 for n in names if n in sizes)
    share = found / len(names) if names else 0.0
    print(f"{listed}: {found} of {len(names)} functions found in {binary} ({share:.0%})")
    if share < least:
        sys.exit(f"the list is stale (under {least:.0%} found): run scripts/hot-functions.sh "
                 "and commit build/hot-functions.txt")


def order(binary, out, engine_files, store_files):
    sizes = function_sizes(binary)

    def tier(files):
        total = collections.Counter()
        for f in files:
            total.update(self_costs(f))
        return [n for n, _ in total.most_common() if n in sizes]

    first = tier(engine_files)
    seen = set(first)
    second = [n for n in tier(store_files) if n not in seen]
    try:
        before = set(open(out).read().split())
    except FileNotFoundError:
        before = set()
    chosen = first + second
    with open(out, "w") as f:
        f.write("\n".join(chosen) + "\n")
    kib = lambda names: sum(sizes[n] for n in names) / 1024
    text = sum(sizes.values()) / 1024
    print(f"{len(first)} functions the engine sessions ran ({kib(first):.0f} KiB), then "
          f"{len(second)} more the store sessions ran ({kib(second):.0f} KiB), of "
          f"{len(sizes)} in the binary ({text:.0f} KiB)")
    if before:
        kept = len(before & set(chosen))
        print(f"the previous list had {len(before)} names; {kept} of them are in the new one")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "check":
        check(sys.argv[2], sys.argv[3])
    elif command == "order":
        rest = sys.argv[4:]
        split = rest.index("--") if "--" in rest else len(rest)
        order(sys.argv[2], sys.argv[3], rest[:split], rest[split + 1:])
    else:
        {"engine": engine, "store": store}[command](sys.argv[2:])
