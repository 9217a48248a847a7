import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.concurrent.CyclicBarrier;

/**
 * A pure-Java probe, no ublk, no io_uring, no native code: two threads run the same small methods while the JIT
 * moves them between tiers (C1, then C2, patching the C1 code). Under qemu's multi-threaded emulation (TCG) this
 * crashes the JVM within seconds; on real CPUs, under KVM, or with one vCPU it runs clean. See
 * tools/diag/emulator-jit-probe.
 */
public class Stress {
    static final class Loader extends ClassLoader {
        Loader(byte[] b) { super(null); this.b = b; }
        final byte[] b;
        @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.equals("Worker")) throw new ClassNotFoundException(name);
            return defineClass(name, b, 0, b.length);
        }
    }
    public static void main(String[] a) throws Exception {
        long seconds = Long.parseLong(a[0]);
        byte[] bytes;
        try (InputStream in = Stress.class.getResourceAsStream("/Worker.class")) { bytes = in.readAllBytes(); }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int rounds = 0;
        while (System.nanoTime() < end) {
            Method run = new Loader(bytes).loadClass("Worker").getMethod("run", int.class);
            CyclicBarrier go = new CyclicBarrier(2);
            Runnable r = () -> {
                try {
                    go.await();
                    for (int k = 0; k < 60; k++) run.invoke(null, 500);
                } catch (Exception e) { throw new RuntimeException(e); }
            };
            Thread t1 = new Thread(r), t2 = new Thread(r);
            t1.start(); t2.start(); t1.join(); t2.join();
            rounds++;
        }
        System.out.println("stress: " + rounds + " rounds");
    }
}
