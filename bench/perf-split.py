"""Splits `perf script -F comm,ip,sym,dso` samples of a .NET process by where the time went (see profile-live.sh)."""
import collections
import re
import sys

# Tried from the sample's leaf frame up to its thread's start: the first that matches names the sample.
LAYERS = [
    ('Npgsql', r'Npgsql'),
    ('Orleans', r'Orleans'),
    ('Kestrel/SignalR/ASP.NET Core', r'Kestrel|SignalR|Http\.Connections|System\.IO\.Pipelines|System\.Net\.Sockets|'
                                     r'System\.Net\.WebSockets|Microsoft\.AspNetCore|Microsoft\.Extensions'),
    ('ItSchool (POS API, purse, ledger, sessions)', r'ItSchool'),
]


def name(symbol, dso):
    # Ahead-of-time compiled framework code has no symbols here: its assembly's name is what is known.
    image = dso.rsplit('/', 1)[-1]
    return image[:-4] + '::' + symbol if image.endswith('.dll') else symbol


def classify(thread, frames):
    # Server GC and the tiered JIT run on threads of their own, whose native frames have no symbols.
    if 'GC' in thread:
        return 'GC (server GC threads)'
    if 'Tiered' in thread:
        return 'JIT (tiered compilation)'
    if frames and 'kernel' in frames[0][1]:
        return 'kernel'
    names = [name(symbol, dso) for symbol, dso in frames]
    # The harness's own HTTP client posts the sales from the node's process.
    if any(re.search(r'ItSchool\.Bench|System\.Net\.Http', n) for n in names):
        return 'bench harness (its HTTP client, its loop)'
    if any(re.search(r'FragmentRenderer|Microsoft\.AspNetCore\.Components|System\.Text\.Encodings\.Web|RenderTree', n) for n in names):
        return 'rendering (Razor components to HTML)'
    for n in names:
        for label, pattern in LAYERS:
            if re.search(pattern, n):
                return label
    return 'runtime and base library alone (thread pool, timers)'


counts = collections.Counter()
thread, frames = '', []
for line in sys.stdin:
    frame = re.match(r'\s+[0-9a-f]+\s+(.*)\s+\((.*)\)\s*$', line)
    if frame:
        frames.append((frame.group(1), frame.group(2)))
    elif not line.strip():
        if thread or frames:
            counts[classify(thread, frames)] += 1
        thread, frames = '', []
    else:
        thread = line.strip()
if thread or frames:
    counts[classify(thread, frames)] += 1
total = sum(counts.values())
print(f'{total} samples\n')
print("| where | share of the node's samples |")
print('|---|---:|')
for label, n in counts.most_common():
    print(f'| {label} | {n * 100 / total:.0f} % |')
