"""Prepared writes and reads through the Python cassandra-driver (C extensions, libev reactor
when available) with a fixed number of requests in flight: the baseline of bench/cql_bench.cc.
   python cql_bench.py [requests=20000] [in_flight=64]
Prints one line per phase, in the C++ driver's format."""
import os
import sys
import time

from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.cython_deps import HAVE_CYTHON
from cassandra.policies import RoundRobinPolicy

try:
    from cassandra.io.libevreactor import LibevConnection as connection_class
except ImportError:  # pragma: no cover - the asyncore/asyncio fallback is slower
    connection_class = None

requests = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
in_flight = int(sys.argv[2]) if len(sys.argv) > 2 else 64
points = os.environ.get("KONG_CASSANDRA_CONTACT_POINTS", "127.0.0.1").split(",")
port = int(os.environ.get("KONG_CASSANDRA_PORT", "9042"))

profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(), request_timeout=30)
kwargs = dict(contact_points=points, port=port, protocol_version=4,
              execution_profiles={EXEC_PROFILE_DEFAULT: profile})
if connection_class is not None:
    kwargs["connection_class"] = connection_class
cluster = Cluster(**kwargs)
session = cluster.connect()
session.execute("CREATE KEYSPACE IF NOT EXISTS bench_cql WITH replication = "
                "{'class': 'SimpleStrategy', 'replication_factor': 1}")
session.execute("CREATE TABLE IF NOT EXISTS bench_cql.kv_py (id int PRIMARY KEY, v text)")
insert = session.prepare("INSERT INTO bench_cql.kv_py (id, v) VALUES (?, ?)")
select = session.prepare("SELECT id, v FROM bench_cql.kv_py WHERE id = ?")

reactor = connection_class.__name__ if connection_class else "default"
for phase, statement, args in (
        ("write", insert, [(i, "value-%d" % i) for i in range(requests)]),
        ("read", select, [(i,) for i in range(requests)])):
    start = time.perf_counter()
    results = execute_concurrent_with_args(session, statement, args, concurrency=in_flight,
                                           raise_on_first_error=True, results_generator=True)
    rows = 0
    for ok, result in results:
        if phase == "read":
            rows += len(result.current_rows)
    seconds = time.perf_counter() - start
    if phase == "read" and rows != requests:
        sys.exit("read %d rows of %d" % (rows, requests))
    print("python-cassandra-driver %s %d requests %.3f s %.0f ops/s (%d in flight, cython=%s, %s)"
          % (phase, requests, seconds, requests / seconds, in_flight, HAVE_CYTHON, reactor), flush=True)
cluster.shutdown()
