/*
 * ZooKeeper Explorer demo world (Apache Curator side).
 *
 * A long-lived process whose Curator recipes make the znodes a real Java service would:
 *   - an InterProcessMutex at /curator/locks/orders held by "orders-worker-A" while
 *     "orders-worker-B" waits (each on its own CuratorFramework client / session);
 *   - a LeaderLatch at /curator/leader/billing where "billing-1" leads and "billing-2" waits
 *     (each on its own client / session).
 * When all four participants are visible on the server it writes --ready-file (JSON) and runs
 * until it is stopped: SIGTERM/SIGINT (or EOF on stdin with --exit-on-stdin-eof) runs a shutdown
 * hook that releases the recipes, closes every client and exits with status 0.
 *
 * Build and run (Debian jars):
 *   CP=/usr/share/java/curator-client.jar:/usr/share/java/curator-framework.jar:\
 *      /usr/share/java/curator-recipes.jar:/usr/share/java/zookeeper.jar:\
 *      /usr/share/java/zookeeper-jute.jar:/usr/share/java/guava.jar:\
 *      /usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-nop.jar
 *   javac -cp "$CP" -d out CuratorDemo.java
 *   java -cp "out:$CP" CuratorDemo --connect 127.0.0.1:2181 --ready-file /tmp/curator.json
 * scripts/lib/demo.js does this for you (and caches the compiled classes).
 */

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

public final class CuratorDemo {
    static final String MUTEX_PATH = "/curator/locks/orders";
    static final String LATCH_PATH = "/curator/leader/billing";
    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int CONNECT_TIMEOUT_S = 15;

    private final String connect;
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final Map<String, CuratorFramework> byName = new LinkedHashMap<>();
    private final CountDownLatch releaseHolder = new CountDownLatch(1);
    private final CountDownLatch holderReleased = new CountDownLatch(1);
    private final CountDownLatch holderAcquired = new CountDownLatch(1);
    private volatile Throwable holderFailure;
    private Thread holderThread;
    private Thread waiterThread;
    private final List<LeaderLatch> latches = new ArrayList<>();
    private volatile boolean stopping;
    /** Exit status the shutdown hook reports; set to non-zero before a failing System.exit. */
    private static volatile int exitStatus = 0;

    CuratorDemo(String connect) {
        this.connect = connect;
    }

    public static void main(String[] args) throws Exception {
        String connect = null;
        String readyFile = null;
        boolean exitOnStdinEof = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connect": connect = args[++i]; break;
                case "--ready-file": readyFile = args[++i]; break;
                case "--exit-on-stdin-eof": exitOnStdinEof = true; break;
                default:
                    System.err.println("CuratorDemo: unknown argument " + args[i]);
                    exitStatus = 2;
                    System.exit(2);
            }
        }
        if (connect == null || readyFile == null) {
            System.err.println("usage: CuratorDemo --connect HOSTS --ready-file PATH [--exit-on-stdin-eof]");
            System.exit(2);
        }

        CuratorDemo demo = new CuratorDemo(connect);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int status = exitStatus;
            try {
                demo.shutdown();
            } catch (Throwable t) {
                t.printStackTrace();
                status = 1;
            }
            finished.countDown();
            System.out.flush();
            System.err.flush();
            // Report a clean stop as 0 rather than the JVM's 128+signal.
            Runtime.getRuntime().halt(status);
        }, "curator-demo-shutdown"));

        if (exitOnStdinEof) {
            Thread stdinWatch = new Thread(() -> {
                InputStream in = System.in;
                byte[] buffer = new byte[4096];
                try {
                    while (in.read(buffer) >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // treat like EOF
                }
                System.exit(0);
            }, "stdin-watch");
            stdinWatch.setDaemon(true);
            stdinWatch.start();
        }

        try {
            long started = System.nanoTime();
            String summary = demo.setup();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            writeReady(Paths.get(readyFile), summary.replace("\"elapsedMs\":0", "\"elapsedMs\":" + elapsedMs));
            System.out.println("ready " + readyFile);
            System.out.flush();
        } catch (Throwable t) {
            if (!demo.stopping) {
                t.printStackTrace();
                exitStatus = 1;
                System.exit(1);
            }
        }
        finished.await();
    }

    private CuratorFramework client(String name) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(15_000)
                .retryPolicy(new ExponentialBackoffRetry(200, 5))
                .build();
        clients.add(client);
        byName.put(name, client);
        client.start();
        return client;
    }

    private static String session(CuratorFramework client) throws Exception {
        return "0x" + Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId());
    }

    String setup() throws Exception {
        CuratorFramework a = client("orders-worker-A");
        CuratorFramework b = client("orders-worker-B");
        CuratorFramework billing1 = client("billing-1");
        CuratorFramework billing2 = client("billing-2");
        for (Map.Entry<String, CuratorFramework> e : byName.entrySet()) {
            if (!e.getValue().blockUntilConnected(CONNECT_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException(e.getKey() + " could not connect to " + connect);
            }
        }

        // InterProcessMutex: must be released by the thread that acquired it, so the holder
        // lives in its own thread until shutdown.
        InterProcessMutex holder = new InterProcessMutex(a, MUTEX_PATH);
        holderThread = new Thread(() -> {
            try {
                holder.acquire();
                holderAcquired.countDown();
                releaseHolder.await();
                holder.release();
            } catch (Throwable t) {
                holderFailure = t;
                holderAcquired.countDown();
            } finally {
                holderReleased.countDown();
            }
        }, "orders-worker-A");
        holderThread.start();
        if (!holderAcquired.await(30, TimeUnit.SECONDS) || holderFailure != null) {
            throw new IllegalStateException("orders-worker-A could not take " + MUTEX_PATH
                    + " within 30s: is another demo world running against this ZooKeeper?", holderFailure);
        }

        InterProcessMutex waiter = new InterProcessMutex(b, MUTEX_PATH);
        waiterThread = new Thread(() -> {
            try {
                waiter.acquire(); // blocks behind orders-worker-A
                waiter.release(); // only reached if A lets go
            } catch (InterruptedException e) {
                // shutdown: Curator deletes our lock node on the way out
            } catch (Exception e) {
                if (!stopping) {
                    e.printStackTrace();
                }
            }
        }, "orders-worker-B");
        waiterThread.start();
        waitUntil(() -> children(a, MUTEX_PATH).size() == 2, "2 contenders on " + MUTEX_PATH);

        LeaderLatch leader = new LeaderLatch(billing1, LATCH_PATH, "billing-1");
        latches.add(leader);
        leader.start();
        if (!leader.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("billing-1 did not become leader of " + LATCH_PATH
                    + " within 30s: is another demo world running against this ZooKeeper?");
        }
        LeaderLatch follower = new LeaderLatch(billing2, LATCH_PATH, "billing-2");
        latches.add(follower);
        follower.start();
        waitUntil(() -> children(a, LATCH_PATH).size() == 2, "2 participants on " + LATCH_PATH);

        List<String> mutexNodes = children(a, MUTEX_PATH);
        List<String> latchNodes = children(a, LATCH_PATH);
        Collections.sort(mutexNodes);
        Collections.sort(latchNodes);
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"pid\":").append(ProcessHandle.current().pid())
            .append(",\n  \"connect\":").append(quote(connect))
            .append(",\n  \"elapsedMs\":0")
            .append(",\n  \"mutex\":{\"path\":").append(quote(MUTEX_PATH))
            .append(",\"recipe\":\"InterProcessMutex\",\"holder\":\"orders-worker-A\",\"waiting\":[\"orders-worker-B\"]")
            .append(",\"sessions\":{\"orders-worker-A\":").append(quote(session(a)))
            .append(",\"orders-worker-B\":").append(quote(session(b))).append("}")
            .append(",\"nodes\":").append(array(mutexNodes)).append("}")
            .append(",\n  \"latch\":{\"path\":").append(quote(LATCH_PATH))
            .append(",\"recipe\":\"LeaderLatch\",\"leader\":").append(quote(leader.getLeader().getId()))
            .append(",\"participants\":[\"billing-1\",\"billing-2\"]")
            .append(",\"sessions\":{\"billing-1\":").append(quote(session(billing1)))
            .append(",\"billing-2\":").append(quote(session(billing2))).append("}")
            .append(",\"nodes\":").append(array(latchNodes)).append("}")
            .append("\n}\n");
        return json.toString();
    }

    synchronized void shutdown() throws Exception {
        if (stopping) {
            return;
        }
        stopping = true;
        // Waiters first, so nobody takes over what the holders let go of.
        if (waiterThread != null) {
            waiterThread.interrupt();
            waiterThread.join(5_000);
        }
        for (int i = latches.size() - 1; i >= 0; i--) {
            try {
                latches.get(i).close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
        releaseHolder.countDown();
        if (holderThread != null) {
            holderReleased.await(5, TimeUnit.SECONDS);
        }
        // Close every session at once: each close waits for the server's reply.
        List<Thread> closers = new ArrayList<>();
        for (CuratorFramework client : clients) {
            Thread closer = new Thread(client::close, "close");
            closers.add(closer);
            closer.start();
        }
        for (Thread closer : closers) {
            closer.join(5_000);
        }
    }

    private static List<String> children(CuratorFramework client, String path) {
        try {
            if (client.checkExists().forPath(path) == null) {
                return new ArrayList<>();
            }
            return new ArrayList<>(client.getChildren().forPath(path));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (stopping) {
                throw new IllegalStateException("stopped while waiting for " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void writeReady(Path path, String json) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.write(tmp, json.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String array(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(quote(values.get(i)));
        }
        return out.append("]").toString();
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
