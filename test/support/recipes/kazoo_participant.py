#!/usr/bin/python3
"""One kazoo recipe participant on its own session, for the recipe recognition tests.

    /usr/bin/python3 kazoo_participant.py --connect HOST:PORT --recipe lock --path /x --id worker-1

Recipes: lock, election, readlock, writelock, semaphore (--max-leases), party, shallowparty,
queue (--item, repeatable, --priority), lockingqueue (--item, --take: takes
one entry and holds it), counter (--add), service (--data).
Prints one JSON line per event on stdout:
  {"event": "ready", "session": "0x..", "node": "/x/..."}   its node exists (or its items were put)
  {"event": "acquired"} / {"event": "leader"}              it holds the lock / leads
Runs until stdin closes or SIGTERM, then releases, closes its session and exits 0.
"""
import argparse
import json
import signal
import sys
import threading
import time

from kazoo.client import KazooClient

STOP = threading.Event()


def emit(event, **fields):
    fields["event"] = event
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def own_node(zk, path):
    """The child of `path` owned by this session, if any."""
    session = zk.client_id[0]
    try:
        children = zk.get_children(path)
    except Exception:  # noqa: BLE001 - the parent may not exist yet
        return None
    for child in children:
        stat = zk.exists(path + "/" + child)
        if stat is not None and stat.ephemeralOwner == session:
            return path + "/" + child
    return None


def wait_own_node(zk, path, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline and not STOP.is_set():
        node = own_node(zk, path)
        if node:
            return node
        time.sleep(0.02)
    raise RuntimeError("no node of this session appeared under %s" % path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--connect", required=True)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--id", default=None)
    parser.add_argument("--session-timeout", type=float, default=4.0)
    parser.add_argument("--max-leases", type=int, default=1)
    parser.add_argument("--item", action="append", default=[])
    parser.add_argument("--priority", type=int, default=100)
    parser.add_argument("--take", action="store_true")
    parser.add_argument("--add", type=int, default=1)
    parser.add_argument("--data", default="")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    threading.Thread(target=lambda: (sys.stdin.read(), STOP.set()), daemon=True).start()

    zk = KazooClient(hosts=args.connect, timeout=args.session_timeout)
    zk.start(timeout=15)
    session = "0x%x" % zk.client_id[0]
    recipe = args.recipe
    release = None

    if recipe in ("lock", "readlock", "writelock"):
        factory = {"lock": zk.Lock, "readlock": zk.ReadLock, "writelock": zk.WriteLock}[recipe]
        lock = factory(args.path, args.id)
        zk.ensure_path(args.path)

        def hold():
            if lock.acquire():
                if STOP.is_set():
                    return
                emit("acquired")
        threading.Thread(target=hold, daemon=True).start()
        emit("ready", session=session, node=wait_own_node(zk, args.path))

        def release_lock():
            lock.cancel()
            lock.release()
        release = release_lock
    elif recipe == "election":
        election = zk.Election(args.path, args.id)
        zk.ensure_path(args.path)

        def lead():
            emit("leader")
            STOP.wait()
        threading.Thread(target=lambda: election.run(lead), daemon=True).start()
        emit("ready", session=session, node=wait_own_node(zk, args.path))
        release = election.cancel
    elif recipe == "semaphore":
        semaphore = zk.Semaphore(args.path, args.id, max_leases=args.max_leases)
        semaphore.acquire()
        emit("ready", session=session, node=wait_own_node(zk, args.path))
        emit("acquired")
        release = semaphore.release
    elif recipe in ("party", "shallowparty"):
        party = (zk.Party if recipe == "party" else zk.ShallowParty)(args.path, args.id)
        party.join()
        emit("ready", session=session, node=wait_own_node(zk, args.path))
        release = party.leave
    elif recipe == "queue":
        queue = zk.Queue(args.path)
        for item in args.item:
            queue.put(item.encode("utf-8"), priority=args.priority)
        emit("ready", session=session, node=args.path)
    elif recipe == "lockingqueue":
        queue = zk.LockingQueue(args.path)
        for item in args.item:
            queue.put(item.encode("utf-8"), priority=args.priority)
        if args.take:
            if queue.get(timeout=15) is None:
                raise SystemExit("nothing to take from %s" % args.path)
            emit("ready", session=session, node=wait_own_node(zk, args.path + "/taken"))
            emit("acquired")
            release = queue.release
        else:
            emit("ready", session=session, node=args.path)
    elif recipe == "counter":
        counter = zk.Counter(args.path)
        counter += args.add
        emit("ready", session=session, node=args.path)
    elif recipe == "service":
        zk.ensure_path(args.path)
        node = zk.create(args.path + "/" + (args.id or "instance"), args.data.encode("utf-8"),
                         ephemeral=True, sequence=True)
        emit("ready", session=session, node=node)
    else:
        raise SystemExit("unknown recipe %s" % recipe)

    STOP.wait()
    if release is not None:
        try:
            release()
        except Exception as exc:  # noqa: BLE001
            sys.stderr.write("release failed: %s\n" % exc)
    zk.stop()
    zk.close()


if __name__ == "__main__":
    main()
