/*
 * One Apache Curator recipe participant on its own session, for the recipe recognition tests.
 *
 *   java -cp classes:$CP CuratorParticipant --connect HOST:PORT --recipe mutex --path /x --id worker-1
 *
 * Recipes: mutex, selector (LeaderSelector), latch (LeaderLatch), read / write
 * (InterProcessReadWriteLock), semaphore (InterProcessSemaphoreV2, --max-leases), queue
 * (DistributedQueue, puts each --item), and ZooKeeper's
 * own shipped recipes on this client's ZooKeeper handle: zk-writelock (recipes.lock.WriteLock),
 * zk-election (recipes.leader.LeaderElectionSupport, host name = --id), zk-queue
 * (recipes.queue.DistributedQueue, offers each --item).
 * Prints one JSON line per event on stdout:
 *   {"event":"ready","session":"0x..","node":"/x/..."}   its node exists
 *   {"event":"acquired"} / {"event":"leader"}            it holds / leads
 * Runs until stdin closes or SIGTERM, then releases, closes its session and exits 0.
 */

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.recipes.locks.InterProcessLock;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.recipes.leader.LeaderElectionSupport;
import org.apache.zookeeper.recipes.lock.LockListener;
import org.apache.zookeeper.recipes.lock.WriteLock;

public final class CuratorParticipant {
    private static final CountDownLatch STOP = new CountDownLatch(1);
    private static final CountDownLatch DONE = new CountDownLatch(1);
    private static final CountDownLatch FINISHED = new CountDownLatch(1);

    static synchronized void emit(String json) {
        System.out.println(json);
        System.out.flush();
    }

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
        return fallback;
    }

    /** Polls for the child of `path` owned by this session. */
    static String ownNode(CuratorFramework client, String path) throws Exception {
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (client.checkExists().forPath(path) != null) {
                for (String child : client.getChildren().forPath(path)) {
                    Stat stat = client.checkExists().forPath(path + "/" + child);
                    if (stat != null && stat.getEphemeralOwner() == session) return path + "/" + child;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no node of this session appeared under " + path);
    }

    public static void main(String[] args) throws Exception {
        String connect = arg(args, "--connect", null);
        String recipe = arg(args, "--recipe", null);
        String path = arg(args, "--path", null);
        String id = arg(args, "--id", "");
        int sessionTimeout = Integer.parseInt(arg(args, "--session-timeout-ms", "4000"));
        int maxLeases = Integer.parseInt(arg(args, "--max-leases", "1"));

        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(sessionTimeout)
            .connectionTimeoutMs(15_000).retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
        client.start();
        if (!client.blockUntilConnected(15, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("not connected");
        String session = "0x" + Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId());

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            STOP.countDown();
            try {
                FINISHED.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // halting anyway
            }
        }));
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) { /* ignore */ }
            } catch (Exception ignored) {
                // closed
            }
            STOP.countDown();
        });
        stdin.setDaemon(true);
        stdin.start();

        Runnable release;
        String watched = path;
        switch (recipe) {
            case "mutex":
            case "read":
            case "write": {
                InterProcessLock lock;
                if (recipe.equals("mutex")) lock = new InterProcessMutex(client, path);
                else {
                    InterProcessReadWriteLock rw = new InterProcessReadWriteLock(client, path, id.getBytes(StandardCharsets.UTF_8));
                    lock = recipe.equals("read") ? rw.readLock() : rw.writeLock();
                }
                CountDownLatch acquired = new CountDownLatch(1);
                Thread holder = new Thread(() -> {
                    try {
                        lock.acquire();
                        acquired.countDown();
                        emit("{\"event\":\"acquired\"}");
                        STOP.await();
                        lock.release();
                    } catch (Exception e) {
                        // interrupted while waiting: the client closes and the node goes
                    }
                    DONE.countDown();
                });
                holder.setDaemon(true);
                holder.start();
                release = () -> {
                    try {
                        if (acquired.getCount() == 0) DONE.await();
                        else holder.interrupt();
                    } catch (InterruptedException ignored) {
                        // exiting anyway
                    }
                };
                break;
            }
            case "selector": {
                LeaderSelector selector = new LeaderSelector(client, path, new LeaderSelectorListenerAdapter() {
                    @Override
                    public void takeLeadership(CuratorFramework c) throws Exception {
                        emit("{\"event\":\"leader\"}");
                        STOP.await();
                    }
                });
                selector.setId(id);
                selector.start();
                release = selector::close;
                break;
            }
            case "latch": {
                LeaderLatch latch = new LeaderLatch(client, path, id);
                latch.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        emit("{\"event\":\"leader\"}");
                    }

                    @Override
                    public void notLeader() {
                        // nothing
                    }
                });
                latch.start();
                release = () -> {
                    try {
                        latch.close();
                    } catch (Exception ignored) {
                        // closing anyway
                    }
                };
                break;
            }
            case "semaphore": {
                InterProcessSemaphoreV2 semaphore = new InterProcessSemaphoreV2(client, path, maxLeases);
                Lease lease = semaphore.acquire();
                emit("{\"event\":\"acquired\"}");
                watched = path + "/leases";
                release = () -> semaphore.returnLease(lease);
                break;
            }
            case "zk-writelock": {
                client.createContainers(path);
                WriteLock lock = new WriteLock(client.getZookeeperClient().getZooKeeper(), path, ZooDefs.Ids.OPEN_ACL_UNSAFE, new LockListener() {
                    @Override
                    public void lockAcquired() {
                        emit("{\"event\":\"acquired\"}");
                    }

                    @Override
                    public void lockReleased() {
                        // nothing
                    }
                });
                if (lock.lock()) emit("{\"event\":\"acquired\"}");
                release = lock::unlock;
                break;
            }
            case "zk-election": {
                client.createContainers(path);
                LeaderElectionSupport election = new LeaderElectionSupport();
                election.setZooKeeper(client.getZookeeperClient().getZooKeeper());
                election.setRootNodeName(path);
                election.setHostName(id);
                election.addListener((event) -> {
                    if (event == LeaderElectionSupport.EventType.ELECTED_COMPLETE) emit("{\"event\":\"leader\"}");
                });
                election.start();
                release = election::stop;
                break;
            }
            case "queue": {
                DistributedQueue<String> queue = QueueBuilder.builder(client, null, new QueueSerializer<String>() {
                    @Override
                    public byte[] serialize(String item) {
                        return item.getBytes(StandardCharsets.UTF_8);
                    }

                    @Override
                    public String deserialize(byte[] bytes) {
                        return new String(bytes, StandardCharsets.UTF_8);
                    }
                }, path).buildQueue();
                queue.start();
                for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--item")) queue.put(args[i + 1]);
                if (!queue.flushPuts(15, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("puts not flushed");
                emit("{\"event\":\"ready\",\"session\":\"" + session + "\",\"node\":\"" + path + "\"}");
                STOP.await();
                queue.close();
                client.close();
                FINISHED.countDown();
                System.exit(0);
                return;
            }
            case "zk-queue": {
                client.createContainers(path);
                org.apache.zookeeper.recipes.queue.DistributedQueue queue = new org.apache.zookeeper.recipes.queue.DistributedQueue(client.getZookeeperClient().getZooKeeper(), path, ZooDefs.Ids.OPEN_ACL_UNSAFE);
                for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--item")) queue.offer(args[i + 1].getBytes(StandardCharsets.UTF_8));
                emit("{\"event\":\"ready\",\"session\":\"" + session + "\",\"node\":\"" + path + "\"}");
                STOP.await();
                client.close();
                FINISHED.countDown();
                System.exit(0);
                return;
            }
            default:
                throw new IllegalArgumentException("unknown recipe " + recipe);
        }
        emit("{\"event\":\"ready\",\"session\":\"" + session + "\",\"node\":\"" + ownNode(client, watched) + "\"}");
        STOP.await();
        release.run();
        client.close();
        FINISHED.countDown();
        System.exit(0);
    }
}
