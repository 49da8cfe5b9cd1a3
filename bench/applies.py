#!/usr/bin/env python3
"""The footprint section's applies: N small bundles to each idle agent, through the controller.

    applies.py PORT ADMIN_DIR OUT_DIR COUNT SECONDS NODE[:MOST]...

Apply i of every node in turn (a node given as NODE:MOST gets at most MOST) (so each agent meets the controller in the same state), one at a
time over one kept-alive HTTPS connection with the admin's certificate, as `fleet` would: each
`POST /v1/nodes/NODE/apply` writes bench/applied.txt with a new content, so every apply really
stages, backs up and swaps. Stops after COUNT rounds or SECONDS, whichever comes first. Writes
OUT_DIR/apply-latency-NODE.txt (seconds per request, one per line) and the first failures of each
node to OUT_DIR/apply-failures-NODE.txt; prints "NODE APPLIED FAILED" per node.
"""
import http.client
import json
import ssl
import sys
import time


def main(port, admin, out, count, seconds, nodes):
    most = {node.split(":")[0]: int(node.split(":")[1]) if ":" in node else count for node in nodes}
    nodes = list(most)
    context = ssl.create_default_context(cafile=f"{admin}/ca.crt")
    context.load_cert_chain(f"{admin}/admin.crt", f"{admin}/admin.key")
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)
    latencies = {node: open(f"{out}/apply-latency-{node}.txt", "w") for node in nodes}
    applied = dict.fromkeys(nodes, 0)
    failed = dict.fromkeys(nodes, 0)
    deadline = time.monotonic() + seconds
    for i in range(1, count + 1):
        if time.monotonic() >= deadline:
            break
        for node in (node for node in nodes if i <= most[node]):
            body = json.dumps({"node": node, "revision": i, "operations": [
                {"op": "file.write", "path": "bench/applied.txt", "content": f"apply {i}\n", "base64": False}]})
            began = time.perf_counter()
            try:
                connection.request("POST", f"/v1/nodes/{node}/apply", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                text = response.read().decode()
                ok = response.status == 200 and '"ok":true' in text
            except (OSError, http.client.HTTPException) as e:
                connection.close()   # the next request opens a new connection
                ok, text = False, repr(e)
            latencies[node].write(f"{time.perf_counter() - began:.4f}\n")
            applied[node] = i
            if not ok:
                failed[node] += 1
                if failed[node] <= 3:
                    with open(f"{out}/apply-failures-{node}.txt", "a") as f:
                        f.write(text + "\n")
    for node in nodes:
        latencies[node].close()
        print(node, applied[node], failed[node])


if __name__ == "__main__":
    a = sys.argv
    main(int(a[1]), a[2], a[3], int(a[4]), float(a[5]), a[6:])
