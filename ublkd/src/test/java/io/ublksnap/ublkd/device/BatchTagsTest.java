package io.ublksnap.ublkd.device;

import io.ublksnap.ffi.IoUring;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ublkd.io.UserData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bookkeeping of batched ublk commands when the kernel refuses them, on a real ring whose commands go to a file
 * that takes none (an eventfd answers every uring_cmd with EOPNOTSUPP; /dev/null takes them on Linux 6.18, and
 * leaves a multishot one pending): a refused PREP stops the arming, refused answers
 * are sent again without the one refused and never forever, and a fetch that keeps failing is retired after a few
 * tries. (The commands' success is tested on a real /dev/ublkcN: it/t-fio-verify.sh on Linux 7.x.)
 */
class BatchTagsTest {
    static final int KIND = 5;
    Arena arena;
    IoUring ring;
    int fd;
    final List<Integer> delivered = new ArrayList<>();
    int changes;
    BatchTags batch;

    @BeforeEach
    void setUp() throws Exception {
        arena = Arena.ofShared();
        ring = IoUring.open(64);
        fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        batch = new BatchTags("test", ring, arena, fd, 0, 8, KIND, false, delivered::add, () -> changes++);
    }

    @AfterEach
    void tearDown() throws Exception {
        ring.close();
        Libc.close(fd);
        arena.close();
    }

    /** As a loop's turn: the batch's answers, submits, waits for a completion, hands every one to the batch; returns how many. */
    private int turn() throws Exception {
        batch.flush();
        ring.submitAndWait(1);
        return ring.reap((ud, res, flags) -> {
            assertEquals(KIND, UserData.kind(ud));
            if (!ignorePrep || UserData.index(ud) >>> BatchTags.TYPE_SHIFT != BatchTags.PREP) {
                batch.completed(UserData.index(ud), res, flags);
            }
        });
    }

    boolean ignorePrep;

    @Test
    void aRefusedPrepIsReportedAndNoFetchFollows() throws Exception {
        for (int t = 0; t < 8; t++) {
            batch.prepare(t, 0, 0x1000L * (t + 1));
        }
        batch.prep();
        assertEquals(BatchTags.PENDING, batch.prepResult());
        turn();
        assertTrue(batch.prepResult() < 0, "refused: " + batch.prepResult());
        assertThrows(IllegalStateException.class, batch::fetch);
        assertEquals(0, batch.liveFetches());
    }

    @Test
    void refusedAnswersGoAgainWithoutTheRefusedOneUntilNoneIsLeft() throws Exception {
        for (int t = 0; t < 3; t++) {
            batch.commit(t, 4096, 0, 0x1000L * (t + 1));
        }
        assertTrue(!batch.idle(), "answers gathered");
        assertEquals(1, batch.flush(), "one COMMIT for the turn's answers");
        assertEquals(0, batch.flush(), "nothing more to send");
        int rounds = 0;
        while (!batch.idle()) {
            rounds += turn();
            assertTrue(rounds <= 3, "each round drops the refused answer: " + rounds + " rounds");
        }
        assertEquals(3, rounds, "3 answers, each refused in turn: 3 COMMITs");
        assertEquals(3, changes);
    }

    @Test
    void aFetchThatKeepsFailingIsRetiredAfterAFewTries() throws Exception {
        batch.prepare(0, 0, 0x1000);
        batch.prep();
        batch.completed(BatchTags.PREP << BatchTags.TYPE_SHIFT, 0, 0); // as if the kernel had taken it (it refuses it)
        ignorePrep = true;
        batch.fetch();
        assertEquals(BatchTags.FETCHES, batch.liveFetches());
        int completions = 0;
        while (batch.liveFetches() > 0) {
            completions += turn();
            assertTrue(completions <= 2 * 10, "bounded retries: " + completions);
        }
        assertEquals(2 * 9 + 1, completions, "each fetch: the first failure and 8 more tries (and the PREP)");
        for (int f = 0; f < BatchTags.FETCHES; f++) {
            // a fetch that ended before its buffer was used up may have left it to the kernel: arming it again
            // with one more entry would give the kernel a second buffer (the same memory, its length used up)
            assertEquals(1, batch.fetchRingTail(f), "one buffer published in fetch " + f + "'s one-entry ring");
        }
        assertTrue(batch.fetchRefusal() < 0);
        assertTrue(delivered.isEmpty());
        assertEquals(2, changes);
    }
}
