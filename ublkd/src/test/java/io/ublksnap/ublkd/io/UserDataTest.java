package io.ublksnap.ublkd.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one encoding of user_data: a kind in the top byte, an index below, each read back unchanged. */
class UserDataTest {

    @Test
    void kindAndIndexRoundTrip() {
        int[] kinds = {UserData.OP, UserData.WAKE, UserData.FIRST_REGISTERED, UserData.KINDS - 1};
        int[] indexes = {0, 1, 0xffff, 0x10000, Integer.MAX_VALUE};
        for (int k : kinds) {
            for (int i : indexes) {
                long ud = UserData.of(k, i);
                assertEquals(k, UserData.kind(ud), "kind of " + Long.toHexString(ud));
                assertEquals(i, UserData.index(ud), "index of " + Long.toHexString(ud));
            }
        }
    }
}
