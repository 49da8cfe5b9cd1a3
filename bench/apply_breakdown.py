#!/usr/bin/env python3
"""Where the time of one `fleet apply` goes, from the controller's journal (`fleet events --output json`)
and the stand-ins' own logs (repository/logs/wso2carbon.log).

usage: apply_breakdown.py EVENTS.ndjson ROLLOUT_ID HOMES_DIR [CLI_START_EPOCH_MS CLI_END_EPOCH_MS]
Prints one JSON object: per node the intervals (seconds) and the totals by kind.
"""
import json, re, sys, os
from datetime import datetime, timezone

def ts(s):  # journal time: 2026-11-30T05:11:30.038246Z (nanoseconds possible)
    m = re.match(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z', s)
    base = datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S').replace(tzinfo=timezone.utc).timestamp()
    return base + (float('0.' + m.group(2)) if m.group(2) else 0.0)

def log_ts(line):  # stand-in log: [2026-11-30 05:11:31,322] (the machine's local time: UTC here)
    m = re.match(r'\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3})\]', line)
    if not m:
        return None
    return datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S').replace(tzinfo=timezone.utc).timestamp() + int(m.group(2)) / 1000

events_file, rollout, homes = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cli = [int(x) / 1000 for x in sys.argv[4:6]] if len(sys.argv) >= 6 else None
events = [json.loads(l) for l in open(events_file) if l.strip()]
start = next(e for e in events if e['type'] == 'rollout.started' and e['index'] > 0 and
             any(x['type'] == 'rollout.finished' and x['fields'].get('rollout') == rollout and x['index'] > e['index'] for x in events))
# the rollout.started that belongs to this rollout: the last one before its rollout.rendered
rendered = next(e for e in events if e['type'] == 'rollout.rendered' and e['fields'].get('rollout') == rollout)
start = [e for e in events if e['type'] == 'rollout.started' and e['index'] < rendered['index']][-1]
finished = next(e for e in events if e['type'] == 'rollout.finished' and e['fields'].get('rollout') == rollout)
window = [e for e in events if start['index'] <= e['index'] <= finished['index']]
t0, t_end = ts(start['time']), ts(finished['time'])
out = {'rollout': rollout, 'state': finished['fields'].get('state'), 'rolloutSeconds': round(t_end - t0, 3),
       'render': round(ts(rendered['time']) - t0, 3), 'nodes': {}}
if cli:
    out['cliWall'] = round(cli[1] - cli[0], 3)
    out['cliBefore'] = round(t0 - cli[0], 3)      # JVM start, validation, the POST, until rollout.started
    out['cliAfter'] = round(cli[1] - t_end, 3)    # from rollout.finished to the CLI's exit
totals = {}
prev_healthy = ts(rendered['time'])
for e in window:
    if e['type'] == 'rollout.node' and e['fields'].get('step') == 'applying':
        n = e['node']
        def first(pred):
            return next((x for x in window if x['index'] > e['index'] and x['node'] == n and pred(x)), None)
        applied = first(lambda x: x['type'] == 'bundle.applied')
        started = first(lambda x: x['type'] == 'product.started')
        healthy = first(lambda x: x['type'] == 'rollout.node' and x['fields'].get('step') == 'healthy')
        if not (applied and started and healthy):
            continue
        t_apply, t_applied, t_started, t_healthy = ts(e['time']), ts(applied['time']), ts(started['time']), ts(healthy['time'])
        jvm_start = ready = None
        log = os.path.join(homes, n, 'repository/logs/wso2carbon.log')
        if os.path.exists(log):
            for line in open(log, errors='replace'):
                t = log_ts(line)
                if t is None or t < t_started - 0.5:
                    continue
                if jvm_start is None and 'standin: starting' in line:
                    jvm_start = t
                elif jvm_start is not None and 'standin: healthy after' in line:
                    ready = t
                    break
        d = {'sincePrevious': round(t_apply - prev_healthy, 3), 'apply': round(t_applied - t_apply, 3),
             'startRequest': round(t_started - t_applied, 3)}
        if jvm_start and ready:
            d['productJvmStart'] = round(jvm_start - t_started, 3)
            d['productReady'] = round(ready - jvm_start, 3)   # start delay + dependencies verified
            d['probeDetection'] = round(t_healthy - ready, 3)
        else:
            d['productToHealthy'] = round(t_healthy - t_started, 3)
        out['nodes'][n] = d
        for k, v in d.items():
            totals[k] = round(totals.get(k, 0) + v, 3)
        prev_healthy = t_healthy
out['afterLastNode'] = round(t_end - prev_healthy, 3)
out['totals'] = totals
print(json.dumps(out))
