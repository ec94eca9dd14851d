#!/usr/bin/python3
"""ZooKeeper Explorer demo world (kazoo side).

A long-lived process that makes a ZooKeeper look like a real user's cluster,
using kazoo's own recipes wherever a recipe exists:

* persistent configuration under /config (JSON, YAML, Java properties, XML, text),
  a kazoo Queue at /queues/jobs, a kazoo Counter at /binary/counter and a
  hand-encoded protobuf message at /binary/protobuf-sample (created only when
  missing, so the script can be re-run against an existing world);
* Kafka-style broker registrations under /kafka/brokers/ids (ephemeral, one
  session per broker, like real brokers) plus the usual persistent Kafka nodes;
* service instances registered as ephemeral sequential nodes under
  /services/orders and /services/payments (one session per instance);
* a kazoo Lock at /locks/inventory: one holder and one waiter, each on its own
  session (the waiter blocks in a thread);
* a kazoo Election at /election/scheduler: scheduler-a leads, scheduler-b waits;
* with --big N: /big/children with N persistent children child-00000... (made in
  1000-create transactions; only the missing ones are created).

When everything is visible on the server it writes --ready-file (JSON describing
what it made) and runs until SIGTERM/SIGINT (or EOF on stdin with
--exit-on-stdin-eof), then releases everything, closes every session and exits 0.

Run it with the Debian python (/usr/bin/python3) that sees python3-kazoo:
    /usr/bin/python3 scripts/demo/world.py --connect 127.0.0.1:2181 --ready-file /tmp/world.json
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback

try:
    from kazoo.client import KazooClient
    from kazoo.exceptions import CancelledError, NodeExistsError, NoNodeError
except ImportError as exc:  # pragma: no cover - reported to the caller
    sys.stderr.write(
        "world.py: cannot import kazoo (%s). Install it: 'apt-get install python3-kazoo' "
        "(Debian/Ubuntu, then run with /usr/bin/python3) or 'python3 -m pip install kazoo'.\n" % exc
    )
    sys.exit(3)

LOG = logging.getLogger("demo-world")
SESSION_TIMEOUT = 10.0
STOP = threading.Event()


# --------------------------------------------------------------------------- data

APP_CONFIG = {
    "service": "orders-api",
    "environment": "production",
    "region": "eu-west-1",
    "http": {
        "bindAddress": "0.0.0.0",
        "port": 8080,
        "readTimeoutMs": 5000,
        "writeTimeoutMs": 10000,
        "maxRequestBodyBytes": 1048576,
        "cors": {"allowedOrigins": ["https://shop.example.com", "https://admin.example.com"]},
    },
    "database": {"configNode": "/config/db", "pool": {"minIdle": 4, "maxSize": 32}},
    "kafka": {
        "bootstrapServers": ["10.0.2.21:9092", "10.0.2.22:9092", "10.0.2.23:9092"],
        "zookeeperChroot": "/kafka",
        "topics": {"orders": "orders.v1", "payments": "payments.v1"},
        "consumerGroup": "orders-api",
    },
    "cache": {"provider": "redis", "host": "10.0.3.5", "port": 6379, "ttlSeconds": 300},
    "retry": {"maxAttempts": 5, "backoffMs": 200, "multiplier": 2.0},
    "featureFlagsNode": "/config/features",
    "logLevel": "INFO",
}

FEATURES = {
    "newCheckout": {"enabled": True, "rolloutPercent": 25, "owner": "checkout-team"},
    "expressShipping": {"enabled": True, "rolloutPercent": 100, "regions": ["eu-west-1", "us-east-1"]},
    "recommendationsV2": {"enabled": False, "rolloutPercent": 0},
    "fraudScoring": {"enabled": True, "rolloutPercent": 100, "threshold": 0.82},
    "darkMode": {"enabled": True, "rolloutPercent": 50},
}

DB_YAML = """\
# Primary datastore for orders-api.
# Applied by the config watcher without a restart (pool sizes need a restart).
primary:
  driver: postgresql
  host: orders-db.internal.example.com
  port: 5432
  database: orders
  user: orders_app
  passwordSecret: vault://secret/orders/db#password
  sslMode: verify-full
  pool:
    minIdle: 4
    maxSize: 32
    connectionTimeoutMs: 3000
    idleTimeoutMs: 600000
replicas:
  - host: orders-db-replica-1.internal.example.com
    port: 5432
    weight: 2
  - host: orders-db-replica-2.internal.example.com
    port: 5432
    weight: 1
migrations:
  enabled: true
  table: schema_migrations
  lockTimeoutSeconds: 30
"""

LOGGING_PROPERTIES = """\
# log4j configuration shared by the JVM services
log4j.rootLogger=INFO, console, file
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{ISO8601} [%t] %-5p %c{1} - %m%n
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=/var/log/orders/orders-api.log
log4j.appender.file.MaxFileSize=100MB
log4j.appender.file.MaxBackupIndex=10
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=%d{ISO8601} [%t] %-5p %c - %m%n
log4j.logger.org.apache.zookeeper=WARN
log4j.logger.org.apache.kafka=WARN
log4j.logger.com.example.orders=DEBUG
"""

SOLR_XML = """\
<?xml version="1.0" encoding="UTF-8" ?>
<!-- solrconfig.xml for the "products" collection -->
<config>
  <luceneMatchVersion>9.4</luceneMatchVersion>
  <dataDir>${solr.data.dir:}</dataDir>
  <directoryFactory name="DirectoryFactory" class="${solr.directoryFactory:solr.NRTCachingDirectoryFactory}"/>
  <updateHandler class="solr.DirectUpdateHandler2">
    <updateLog>
      <str name="dir">${solr.ulog.dir:}</str>
    </updateLog>
    <autoCommit>
      <maxTime>${solr.autoCommit.maxTime:15000}</maxTime>
      <openSearcher>false</openSearcher>
    </autoCommit>
    <autoSoftCommit>
      <maxTime>${solr.autoSoftCommit.maxTime:1000}</maxTime>
    </autoSoftCommit>
  </updateHandler>
  <query>
    <maxBooleanClauses>1024</maxBooleanClauses>
    <filterCache size="512" initialSize="512" autowarmCount="0"/>
    <queryResultCache size="512" initialSize="512" autowarmCount="0"/>
    <documentCache size="512" initialSize="512" autowarmCount="0"/>
  </query>
  <requestHandler name="/select" class="solr.SearchHandler">
    <lst name="defaults">
      <str name="echoParams">explicit</str>
      <int name="rows">10</int>
      <str name="df">text</str>
    </lst>
  </requestHandler>
</config>
"""

MESSAGE = "Maintenance window: Saturday 02:00-04:00 UTC. Checkout may be read-only.\n"

KAFKA_BROKERS = [
    {"id": 1, "host": "10.0.2.21", "rack": "eu-west-1a"},
    {"id": 2, "host": "10.0.2.22", "rack": "eu-west-1b"},
    {"id": 3, "host": "10.0.2.23", "rack": "eu-west-1c"},
]

SERVICES = [
    ("orders", {"host": "10.0.1.11", "port": 8080, "version": "2.4.1"}),
    ("orders", {"host": "10.0.1.12", "port": 8080, "version": "2.4.1"}),
    ("orders", {"host": "10.0.1.13", "port": 8080, "version": "2.5.0-rc1"}),
    ("payments", {"host": "10.0.1.21", "port": 8443, "version": "1.9.3"}),
    ("payments", {"host": "10.0.1.22", "port": 8443, "version": "1.9.3"}),
]

QUEUE_JOBS = [
    ({"jobId": "job-1001", "type": "send-invoice", "orderId": "ord-58213", "attempt": 1}, 100),
    ({"jobId": "job-1002", "type": "resize-image", "sku": "SKU-7731", "sizes": [128, 512]}, 100),
    ({"jobId": "job-1003", "type": "refund", "orderId": "ord-58107", "amountCents": 4599}, 10),
    ({"jobId": "job-1004", "type": "reindex-product", "sku": "SKU-0042"}, 200),
    ({"jobId": "job-1005", "type": "send-invoice", "orderId": "ord-58219", "attempt": 1}, 100),
]


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, wire_type, payload):
    key = _varint((number << 3) | wire_type)
    if wire_type == 2:
        return key + _varint(len(payload)) + payload
    return key + payload


def protobuf_sample():
    """A hand-encoded protobuf message, e.g.

    message OrderEvent { uint64 order_id = 1; string customer = 2; fixed64 created_ms = 3;
                         bytes checksum = 4; uint32 retries = 5; sint32 delta = 6; }
    It contains bytes >= 0x80 (varints, checksum) and a NUL (retries = 0), so it is not UTF-8.
    """
    msg = b""
    msg += _field(1, 0, _varint(5821300150))                       # order_id
    msg += _field(2, 2, "café-42".encode("utf-8"))                 # customer (valid UTF-8 inside)
    msg += _field(3, 1, (1718000000000).to_bytes(8, "little"))      # created_ms
    msg += _field(4, 2, bytes([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0xFF, 0x80, 0x7F]))  # checksum
    msg += _field(5, 0, _varint(0))                                 # retries = 0 -> NUL byte
    msg += _field(6, 0, _varint(2 * 150 + 1))                       # delta (zigzag of -151)
    return msg


# ----------------------------------------------------------------------- helpers

def new_client(hosts, name):
    client = KazooClient(hosts=hosts, timeout=SESSION_TIMEOUT)
    client.demo_name = name
    return client


def start_clients(clients, timeout=15.0):
    """Start several sessions at once (each kazoo client has its own connection thread)."""
    events = [(c, c.start_async()) for c in clients]
    deadline = time.time() + timeout
    for client, event in events:
        event.wait(max(0.0, deadline - time.time()))
        if not client.connected:
            raise RuntimeError("could not connect %s to %s within %.0fs" % (
                client.demo_name, client.hosts, timeout))


def create_ephemeral(client, path, data):
    """Creates an ephemeral node; a leftover of an earlier demo run (its session not yet expired,
    e.g. after a kill -9, and kept by the server across restarts) is replaced."""
    from kazoo.exceptions import NodeExistsError, NoNodeError
    try:
        client.create(path, data, ephemeral=True)
    except NodeExistsError:
        try:
            client.delete(path)
        except NoNodeError:
            pass
        client.create(path, data, ephemeral=True)


def session_hex(client):
    return "0x%x" % client.client_id[0]


def create_if_missing(client, path, data, created, **kwargs):
    if client.exists(path) is not None:
        return False
    try:
        client.create(path, data, makepath=True, **kwargs)
    except NodeExistsError:
        return False
    created.append(path)
    return True


def wait_until(predicate, what, timeout=30.0, interval=0.02):
    deadline = time.time() + timeout
    while True:
        if STOP.is_set():
            raise RuntimeError("stopped while waiting for %s" % what)
        if predicate():
            return
        if time.time() > deadline:
            raise RuntimeError("timed out waiting for %s" % what)
        time.sleep(interval)


def now_ms():
    return str(int(time.time() * 1000))


def write_ready(path, payload):
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(tmp, path)


# -------------------------------------------------------------------------- world

class World(object):
    def __init__(self, hosts, big):
        self.hosts = hosts
        self.big = big
        self.clients = []
        self.threads = []
        self.created = []
        self.summary = {}
        self.lock_holder = None
        self.lock_waiter = None
        self.elections = []
        self.leader_release = threading.Event()

    def client(self, name):
        client = new_client(self.hosts, name)
        self.clients.append(client)
        return client

    # -- persistent data ----------------------------------------------------
    def make_persistent(self, zk):
        created = self.created
        text = lambda s: s.encode("utf-8")  # noqa: E731
        create_if_missing(zk, "/config/app", text(json.dumps(APP_CONFIG, indent=2) + "\n"), created)
        create_if_missing(zk, "/config/features", text(json.dumps(FEATURES, indent=2) + "\n"), created)
        create_if_missing(zk, "/config/db", text(DB_YAML), created)
        create_if_missing(zk, "/config/logging", text(LOGGING_PROPERTIES), created)
        create_if_missing(zk, "/config/solr", text(SOLR_XML), created)
        create_if_missing(zk, "/config/message", text(MESSAGE), created)

        # The persistent part of a Kafka cluster rooted at the /kafka chroot.
        create_if_missing(zk, "/kafka/cluster/id",
                          b'{"version":"1","id":"Zx2Lq6GnTmS4hVqNbR1x0A"}', created)
        create_if_missing(zk, "/kafka/controller_epoch", b"7", created)
        create_if_missing(zk, "/kafka/brokers/topics/orders.v1", json.dumps({
            "partitions": {"0": [1, 2, 3], "1": [2, 3, 1], "2": [3, 1, 2]},
            "topic_id": "fQ3mU1yYQ2uPv0m8xg8v6w", "adding_replicas": {},
            "removing_replicas": {}, "version": 3}, separators=(",", ":")).encode(), created)
        create_if_missing(zk, "/kafka/brokers/topics/payments.v1", json.dumps({
            "partitions": {"0": [2, 3, 1], "1": [3, 1, 2]},
            "topic_id": "k9T0aP4sQkO8cS2n3EwV1g", "adding_replicas": {},
            "removing_replicas": {}, "version": 3}, separators=(",", ":")).encode(), created)
        zk.ensure_path("/kafka/brokers/ids")

        # kazoo Queue: persistent sequential entry-<priority>-<seq>; fill up to 5 jobs.
        queue = zk.Queue("/queues/jobs")
        existing = len(queue)
        for value, priority in QUEUE_JOBS[existing:]:
            queue.put(json.dumps(value, separators=(",", ":")).encode(), priority=priority)
        self.summary["queue"] = {"path": "/queues/jobs", "items": len(queue),
                                 "added": max(0, len(QUEUE_JOBS) - existing)}

        create_if_missing(zk, "/binary/protobuf-sample", protobuf_sample(), created)

        # kazoo Counter: data is the number as ASCII.
        counter_path = "/binary/counter"
        if zk.exists(counter_path) is None:
            counter = zk.Counter(counter_path)
            counter += 41
            counter += 1
            created.append(counter_path)
        self.summary["counter"] = {"path": counter_path, "value": zk.Counter(counter_path).value}

        if self.big:
            self.summary["big"] = self.make_big(zk, self.big)

    def make_big(self, zk, count):
        parent = "/big/children"
        zk.ensure_path(parent)
        existing = set(zk.get_children(parent))
        width = max(5, len(str(count - 1)))
        names = ["child-%0*d" % (width, i) for i in range(count)]
        missing = [n for n in names if n not in existing]
        started = time.time()
        # One multi (transaction) per 1000 creates: ~10x faster than create_async one by one.
        batch = 1000
        for start in range(0, len(missing), batch):
            chunk = missing[start:start + batch]
            tx = zk.transaction()
            for name in chunk:
                tx.create("%s/%s" % (parent, name), ('{"n":%d}' % int(name[6:])).encode())
            results = tx.commit()
            if any(isinstance(r, Exception) for r in results):
                # Someone else created some of them meanwhile: fall back to one by one.
                for name in chunk:
                    try:
                        zk.create("%s/%s" % (parent, name), ('{"n":%d}' % int(name[6:])).encode())
                    except NodeExistsError:
                        pass
        return {"path": parent, "children": len(zk.get_children(parent)), "created": len(missing),
                "ms": int((time.time() - started) * 1000)}

    # -- ephemeral registrations -------------------------------------------
    def register_brokers(self):
        brokers = []
        clients = [self.client("kafka-broker-%d" % b["id"]) for b in KAFKA_BROKERS]
        start_clients(clients)
        for broker, client in zip(KAFKA_BROKERS, clients):
            host = broker["host"]
            registration = {
                "features": {},
                "listener_security_protocol_map": {"PLAINTEXT": "PLAINTEXT", "SSL": "SSL"},
                "endpoints": ["PLAINTEXT://%s:9092" % host, "SSL://%s:9093" % host],
                "rack": broker["rack"],
                "jmx_port": 9999,
                "port": 9092,
                "host": host,
                "version": 5,
                "timestamp": now_ms(),
            }
            path = "/kafka/brokers/ids/%d" % broker["id"]
            create_ephemeral(client, path, json.dumps(registration, separators=(",", ":")).encode())
            brokers.append({"path": path, "session": session_hex(client)})
        # Broker 1 is the active controller (an ephemeral node of its session too).
        controller = {"version": 1, "brokerid": 1, "timestamp": now_ms()}
        create_ephemeral(clients[0], "/kafka/controller", json.dumps(controller, separators=(",", ":")).encode())
        self.summary["kafka"] = {"brokers": brokers, "controller": "/kafka/controller"}

    def register_services(self):
        clients = [self.client("%s-%d" % (svc, i)) for i, (svc, _) in enumerate(SERVICES)]
        start_clients(clients)
        instances = []
        for (svc, data), client in zip(SERVICES, clients):
            path = client.create("/services/%s/instance-" % svc, json.dumps(data).encode(),
                                 ephemeral=True, sequence=True, makepath=True)
            instances.append({"path": path, "service": svc, "session": session_hex(client)})
        self.summary["services"] = instances

    # -- recipes --------------------------------------------------------------
    def make_lock(self, zk):
        path = "/locks/inventory"
        holder_client = self.client("inventory-worker-1")
        waiter_client = self.client("inventory-worker-2")
        start_clients([holder_client, waiter_client])
        self.lock_holder = holder_client.Lock(path, identifier="inventory-worker-1")
        if not self.lock_holder.acquire(timeout=30):
            raise RuntimeError("inventory-worker-1 could not take %s within 30s: is another demo world "
                               "running against this ZooKeeper?" % path)
        self.lock_waiter = waiter_client.Lock(path, identifier="inventory-worker-2")

        def wait_for_lock():
            try:
                if self.lock_waiter.acquire():
                    # Only reachable if the holder let go (during shutdown).
                    self.lock_waiter.release()
            except CancelledError:
                pass
            except Exception:  # noqa: BLE001 - a closing session during shutdown
                if not STOP.is_set():
                    traceback.print_exc()

        thread = threading.Thread(target=wait_for_lock, name="inventory-worker-2", daemon=True)
        thread.start()
        self.threads.append(thread)
        wait_until(lambda: len(zk.get_children(path)) == 2, "2 contenders on %s" % path)
        self.summary["lock"] = {
            "path": path,
            "recipe": "kazoo.Lock",
            "contenders": self.lock_holder.contenders(),
            "holder": "inventory-worker-1",
            "sessions": {"inventory-worker-1": session_hex(holder_client),
                         "inventory-worker-2": session_hex(waiter_client)},
            "nodes": sorted(zk.get_children(path)),
        }

    def make_election(self, zk):
        path = "/election/scheduler"
        names = ["scheduler-a", "scheduler-b"]
        clients = [self.client(n) for n in names]
        start_clients(clients)
        leading = {}

        def participate(election, name):
            def lead():
                leading[name] = time.time()
                self.leader_release.wait()

            try:
                election.run(lead)
            except Exception:  # noqa: BLE001 - a closing session during shutdown
                if not STOP.is_set():
                    traceback.print_exc()

        for name, client in zip(names, clients):
            election = client.Election(path, identifier=name)
            self.elections.append(election)
            thread = threading.Thread(target=participate, args=(election, name), name=name, daemon=True)
            thread.start()
            self.threads.append(thread)
            if name == "scheduler-a":
                wait_until(lambda: "scheduler-a" in leading,
                           "scheduler-a to lead (is another demo world running against this ZooKeeper?)")
        wait_until(lambda: len(zk.get_children(path)) == 2, "2 participants on %s" % path)
        self.summary["election"] = {
            "path": path,
            "recipe": "kazoo.Election",
            "contenders": self.elections[0].contenders(),
            "leader": "scheduler-a",
            "sessions": {n: session_hex(c) for n, c in zip(names, clients)},
            "nodes": sorted(zk.get_children(path)),
        }

    # -- lifecycle ------------------------------------------------------------
    def setup(self):
        started = time.time()
        zk = self.client("demo-world")
        start_clients([zk])
        self.summary["session"] = session_hex(zk)
        self.make_persistent(zk)
        self.register_brokers()
        self.register_services()
        self.make_lock(zk)
        self.make_election(zk)
        # Everything was written through other sessions: make sure this view is current.
        zk.sync("/")
        self.summary["created"] = self.created
        self.summary["elapsedMs"] = int((time.time() - started) * 1000)
        self.summary["pid"] = os.getpid()
        self.summary["connect"] = self.hosts

    def teardown(self):
        # Waiters first, so nobody takes over what the holders let go of.
        if self.lock_waiter is not None:
            self.lock_waiter.cancel()
        for election in self.elections[1:]:
            election.cancel()
        self.leader_release.set()
        if self.lock_holder is not None:
            try:
                self.lock_holder.release()
            except Exception:  # noqa: BLE001
                traceback.print_exc()
        for thread in self.threads:
            thread.join(5)

        # Close every session at once: closing one takes a round trip to the server.
        def close(client):
            try:
                client.stop()
                client.close()
            except Exception:  # noqa: BLE001
                traceback.print_exc()

        closers = [threading.Thread(target=close, args=(c,), daemon=True) for c in self.clients]
        for closer in closers:
            closer.start()
        for closer in closers:
            closer.join(10)


TEARDOWN_SECONDS = 15


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connect", required=True, help="ZooKeeper connect string, e.g. 127.0.0.1:2181")
    parser.add_argument("--ready-file", required=True, help="written (JSON) once the world is visible")
    parser.add_argument("--big", type=int, default=0, help="also create /big/children with N children")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="stop when stdin closes (the parent process went away)")
    args = parser.parse_args(argv)
    if args.big < 0:
        parser.error("--big must be >= 0")

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s world.py %(levelname)s %(name)s: %(message)s")

    def on_signal(signum, _frame):
        LOG.info("signal %d", signum)
        STOP.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.exit_on_stdin_eof:
        def watch_stdin():
            # os.read on the fd, not sys.stdin: a daemon thread blocked inside the buffered
            # reader aborts the interpreter at shutdown.
            try:
                while os.read(sys.stdin.fileno(), 4096):
                    pass
            except Exception:  # noqa: BLE001
                pass
            STOP.set()

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    world = World(args.connect, args.big)
    code = 0
    try:
        world.setup()
        if not STOP.is_set():
            write_ready(args.ready_file, world.summary)
            sys.stdout.write("ready %s\n" % args.ready_file)
            sys.stdout.flush()
        while not STOP.wait(0.2):
            pass
    except Exception as exc:  # noqa: BLE001
        if not STOP.is_set():
            traceback.print_exc()
            if isinstance(exc, NoNodeError) and "/" in args.connect:
                sys.stderr.write("world.py: the chroot in %r does not exist: create it first.\n" % args.connect)
            code = 1
    finally:
        # Bounded: when ZooKeeper is already gone (the sandbox or a test stopped it first), kazoo
        # retries a lock release for ever, and this process outlived its parent, deaf to SIGTERM.
        closer = threading.Thread(target=world.teardown, name="teardown", daemon=True)
        closer.start()
        closer.join(TEARDOWN_SECONDS)
        if closer.is_alive():
            sys.stderr.write("world.py: ZooKeeper did not answer the clean-up within %d s; leaving "
                             "(the server expires the demo sessions itself)\n" % TEARDOWN_SECONDS)
            sys.stderr.flush()
            os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
