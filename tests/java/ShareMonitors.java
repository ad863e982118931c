/**
 * Locking in shared code: several threads run hot kernels that hold monitors, so that the
 * installed code takes, contends for and releases locks, and any frame the VM stops (GC,
 * deoptimisation) may hold one. Every result is an exact total, so a lost or doubled update
 * (a lock not held), a monitor left locked (the other threads stall: the run ends "stuck"
 * after the time limit) or a wrong BasicLock slot after deoptimisation changes the output.
 *
 * <p>The kernels' names start with {@code k}: run with
 * {@code -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,ShareMonitors*::k*} so that
 * they stay separate nmethods (the installed code) instead of being inlined into the
 * workers' loops (compiled on stack replacement, which is not shared).
 *
 * <p>Usage: java ShareMonitors ROUNDS [PAUSE_MS]
 */
public class ShareMonitors {
    // Not final: C2 would fold a final one into the code as an object constant, which only
    // strings, mirrors and comparable values may be (the receiver refuses the method).
    static Object LOCK = new Object();
    static Object OTHER = new Object();
    static long shared;
    static long nestedA;
    static long nestedB;
    static long statics;
    static long thrownInside;

    /** A synchronized instance method: inlined into {@link #kRound}, locking the receiver. */
    static final class Account {
        long balance;

        synchronized void deposit(int v) {
            balance += v;
        }

        synchronized long read() {
            return balance;
        }
    }

    static final Account ACCOUNT = new Account();

    /** A static synchronized method: C2 locks the class mirror, a constant owner. */
    static synchronized void bump(int v) {
        statics += v;
    }

    /**
     * One round of the contended kernels: a synchronized block on a shared lock, an inlined
     * synchronized method, nested locks (and a reentrant one, which C2 may eliminate), a static
     * synchronized method, and a call out while holding a lock (a safepoint inside it).
     */
    static int kRound(Account a, int i) {
        synchronized (LOCK) {
            shared += i & 15;
        }
        a.deposit(i & 7);
        synchronized (LOCK) {
            synchronized (OTHER) {
                nestedA += 1;
                synchronized (LOCK) {
                    nestedB += i & 3;
                }
            }
        }
        bump(i & 1);
        synchronized (OTHER) {
            return kLeaf(i);
        }
    }

    /** Called with two locks held (not inlined): the caller's frame is on the stack with them. */
    static int kLeaf(int i) {
        return Integer.bitCount(i) & 1;
    }

    /**
     * Locks on an object only this thread uses: never contended, so it stays a stack lock
     * whose displaced mark word (with the object's identity hash) lives in C2's BasicLock
     * slot. A frame stopped in the call holds it; when deoptimisation rebuilds the frame, the
     * VM reads the slot the debug info names — a wrong one loses the lock or the header.
     * (Reentering the same lock here makes HotSpot 17's C1 and C2 give up on the method.)
     */
    static int kOwn(Object mine, int i) {
        int r;
        synchronized (mine) {
            r = kSpin(i) + 1;
        }
        return r;
    }

    /** Some work (not inlined) so that frames of {@link #kOwn} are often stopped holding its lock. */
    static int kSpin(int i) {
        int x = i;
        for (int k = 0; k < 200; k++) {
            x = x * 0x9E3779B1 + k;
        }
        spun = x;
        return kLeaf(i);
    }

    /** Keeps {@link #kSpin}'s loop alive (C2 would drop a result nobody reads). */
    static volatile int spun;

    /** Throws out of a synchronized block every 97th time: the monitor must be released. */
    static void kThrowing(int i) {
        synchronized (LOCK) {
            thrownInside++;
            if (i % 97 == 0) {
                throw new IllegalStateException();
            }
        }
    }

    /** A one-slot mailbox: wait/notify in synchronized methods. */
    static final class Mailbox {
        private int value;
        private boolean full;

        synchronized void kPut(int v) throws InterruptedException {
            while (full) {
                wait();
            }
            value = v;
            full = true;
            notifyAll();
        }

        synchronized int kTake() throws InterruptedException {
            while (!full) {
                wait();
            }
            full = false;
            notifyAll();
            return value;
        }
    }

    static final int WORKERS = 4;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 0;
        // Load and run everything once, then give the installer time before anything is hot.
        Mailbox warm = new Mailbox();
        warm.kPut(1);
        warm.kTake();
        kRound(new Account(), 0);
        kOwn(warm, 0);
        try {
            kThrowing(0);
        } catch (IllegalStateException expected) {
            // thrown on purpose
        }
        shared = nestedA = nestedB = statics = thrownInside = 0;
        Thread.sleep(pause);

        long[] thrown = new long[WORKERS];
        long[] leaked = new long[WORKERS];
        long[] odd = new long[WORKERS];
        long[] own = new long[WORKERS];
        int[] hashes = new int[WORKERS];
        Thread[] workers = new Thread[WORKERS + 2];
        for (int w = 0; w < WORKERS; w++) {
            int me = w;
            Object mine = new Object();
            hashes[w] = System.identityHashCode(mine);
            workers[w] = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    odd[me] += kRound(ACCOUNT, i);
                    own[me] += kOwn(mine, i);
                    // The object's identity hash lives in the header the locks displaced.
                    if (System.identityHashCode(mine) != hashes[me]) {
                        leaked[me]++;
                    }
                    try {
                        kThrowing(i);
                    } catch (IllegalStateException e) {
                        thrown[me]++;
                    }
                    if (Thread.holdsLock(LOCK)) {
                        leaked[me]++;
                    }
                }
            });
        }
        Mailbox box = new Mailbox();
        long[] received = new long[1];
        workers[WORKERS] = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    box.kPut(i);
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        workers[WORKERS + 1] = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    received[0] += box.kTake();
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        for (Thread t : workers) {
            t.setDaemon(true);
            t.start();
        }
        for (Thread t : workers) {
            t.join(120_000);
            if (t.isAlive()) {
                System.out.println("stuck: a worker did not finish (a monitor left locked?)");
                System.exit(3);
            }
        }
        // Another thread must be able to take every lock the workers used.
        Thread taker = new Thread(() -> {
            synchronized (LOCK) {
                synchronized (OTHER) {
                    synchronized (ACCOUNT) {
                        synchronized (ShareMonitors.class) {
                            thrownInside += 0;
                        }
                    }
                }
            }
        });
        taker.setDaemon(true);
        taker.start();
        taker.join(30_000);
        System.out.println("locks free afterwards " + !taker.isAlive());
        long n = (long) WORKERS * rounds;
        long thrownTotal = 0;
        long leakedTotal = 0;
        long oddTotal = 0;
        long ownTotal = 0;
        for (int w = 0; w < WORKERS; w++) {
            ownTotal += own[w];
            thrownTotal += thrown[w];
            leakedTotal += leaked[w];
            oddTotal += odd[w];
        }
        System.out.println("rounds " + n);
        System.out.println("shared " + shared);
        System.out.println("deposits " + ACCOUNT.read());
        System.out.println("nested " + nestedA + " " + nestedB);
        System.out.println("statics " + statics);
        System.out.println("odd " + oddTotal + " own " + ownTotal);
        System.out.println("throwing " + thrownInside + " thrown " + thrownTotal + " leaked " + leakedTotal);
        System.out.println("mailbox " + received[0]);
    }
}
