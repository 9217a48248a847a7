public class Worker {
    static int m0(int x) { int y = x * 1 + 0; if ((y & 1) == 0) y ^= x >>> 1; return y; }
    static int m1(int x) { int y = x * 3 + 1; if ((y & 2) == 0) y ^= x >>> 2; return y; }
    static int m2(int x) { int y = x * 5 + 2; if ((y & 3) == 0) y ^= x >>> 3; return y; }
    static int m3(int x) { int y = x * 7 + 3; if ((y & 4) == 0) y ^= x >>> 4; return y; }
    static int m4(int x) { int y = x * 9 + 4; if ((y & 5) == 0) y ^= x >>> 5; return y; }
    static int m5(int x) { int y = x * 11 + 5; if ((y & 6) == 0) y ^= x >>> 6; return y; }
    static int m6(int x) { int y = x * 13 + 6; if ((y & 7) == 0) y ^= x >>> 7; return y; }
    static int m7(int x) { int y = x * 15 + 7; if ((y & 1) == 0) y ^= x >>> 8; return y; }
    static int m8(int x) { int y = x * 17 + 8; if ((y & 2) == 0) y ^= x >>> 9; return y; }
    static int m9(int x) { int y = x * 19 + 9; if ((y & 3) == 0) y ^= x >>> 10; return y; }
    static int m10(int x) { int y = x * 21 + 10; if ((y & 4) == 0) y ^= x >>> 11; return y; }
    static int m11(int x) { int y = x * 23 + 11; if ((y & 5) == 0) y ^= x >>> 12; return y; }
    static int m12(int x) { int y = x * 25 + 12; if ((y & 6) == 0) y ^= x >>> 13; return y; }
    static int m13(int x) { int y = x * 27 + 13; if ((y & 7) == 0) y ^= x >>> 1; return y; }
    static int m14(int x) { int y = x * 29 + 14; if ((y & 1) == 0) y ^= x >>> 2; return y; }
    static int m15(int x) { int y = x * 31 + 15; if ((y & 2) == 0) y ^= x >>> 3; return y; }
    static int m16(int x) { int y = x * 33 + 16; if ((y & 3) == 0) y ^= x >>> 4; return y; }
    static int m17(int x) { int y = x * 35 + 17; if ((y & 4) == 0) y ^= x >>> 5; return y; }
    static int m18(int x) { int y = x * 37 + 18; if ((y & 5) == 0) y ^= x >>> 6; return y; }
    static int m19(int x) { int y = x * 39 + 19; if ((y & 6) == 0) y ^= x >>> 7; return y; }
    static int m20(int x) { int y = x * 41 + 20; if ((y & 7) == 0) y ^= x >>> 8; return y; }
    static int m21(int x) { int y = x * 43 + 21; if ((y & 1) == 0) y ^= x >>> 9; return y; }
    static int m22(int x) { int y = x * 45 + 22; if ((y & 2) == 0) y ^= x >>> 10; return y; }
    static int m23(int x) { int y = x * 47 + 23; if ((y & 3) == 0) y ^= x >>> 11; return y; }
    static int m24(int x) { int y = x * 49 + 24; if ((y & 4) == 0) y ^= x >>> 12; return y; }
    static int m25(int x) { int y = x * 51 + 25; if ((y & 5) == 0) y ^= x >>> 13; return y; }
    static int m26(int x) { int y = x * 53 + 26; if ((y & 6) == 0) y ^= x >>> 1; return y; }
    static int m27(int x) { int y = x * 55 + 27; if ((y & 7) == 0) y ^= x >>> 2; return y; }
    static int m28(int x) { int y = x * 57 + 28; if ((y & 1) == 0) y ^= x >>> 3; return y; }
    static int m29(int x) { int y = x * 59 + 29; if ((y & 2) == 0) y ^= x >>> 4; return y; }
    static int m30(int x) { int y = x * 61 + 30; if ((y & 3) == 0) y ^= x >>> 5; return y; }
    static int m31(int x) { int y = x * 63 + 31; if ((y & 4) == 0) y ^= x >>> 6; return y; }
    static int m32(int x) { int y = x * 65 + 32; if ((y & 5) == 0) y ^= x >>> 7; return y; }
    static int m33(int x) { int y = x * 67 + 33; if ((y & 6) == 0) y ^= x >>> 8; return y; }
    static int m34(int x) { int y = x * 69 + 34; if ((y & 7) == 0) y ^= x >>> 9; return y; }
    static int m35(int x) { int y = x * 71 + 35; if ((y & 1) == 0) y ^= x >>> 10; return y; }
    static int m36(int x) { int y = x * 73 + 36; if ((y & 2) == 0) y ^= x >>> 11; return y; }
    static int m37(int x) { int y = x * 75 + 37; if ((y & 3) == 0) y ^= x >>> 12; return y; }
    static int m38(int x) { int y = x * 77 + 38; if ((y & 4) == 0) y ^= x >>> 13; return y; }
    static int m39(int x) { int y = x * 79 + 39; if ((y & 5) == 0) y ^= x >>> 1; return y; }
    static int m40(int x) { int y = x * 81 + 40; if ((y & 6) == 0) y ^= x >>> 2; return y; }
    static int m41(int x) { int y = x * 83 + 41; if ((y & 7) == 0) y ^= x >>> 3; return y; }
    static int m42(int x) { int y = x * 85 + 42; if ((y & 1) == 0) y ^= x >>> 4; return y; }
    static int m43(int x) { int y = x * 87 + 43; if ((y & 2) == 0) y ^= x >>> 5; return y; }
    static int m44(int x) { int y = x * 89 + 44; if ((y & 3) == 0) y ^= x >>> 6; return y; }
    static int m45(int x) { int y = x * 91 + 45; if ((y & 4) == 0) y ^= x >>> 7; return y; }
    static int m46(int x) { int y = x * 93 + 46; if ((y & 5) == 0) y ^= x >>> 8; return y; }
    static int m47(int x) { int y = x * 95 + 47; if ((y & 6) == 0) y ^= x >>> 9; return y; }
    static int m48(int x) { int y = x * 97 + 48; if ((y & 7) == 0) y ^= x >>> 10; return y; }
    static int m49(int x) { int y = x * 99 + 49; if ((y & 1) == 0) y ^= x >>> 11; return y; }
    static int m50(int x) { int y = x * 101 + 50; if ((y & 2) == 0) y ^= x >>> 12; return y; }
    static int m51(int x) { int y = x * 103 + 51; if ((y & 3) == 0) y ^= x >>> 13; return y; }
    static int m52(int x) { int y = x * 105 + 52; if ((y & 4) == 0) y ^= x >>> 1; return y; }
    static int m53(int x) { int y = x * 107 + 53; if ((y & 5) == 0) y ^= x >>> 2; return y; }
    static int m54(int x) { int y = x * 109 + 54; if ((y & 6) == 0) y ^= x >>> 3; return y; }
    static int m55(int x) { int y = x * 111 + 55; if ((y & 7) == 0) y ^= x >>> 4; return y; }
    static int m56(int x) { int y = x * 113 + 56; if ((y & 1) == 0) y ^= x >>> 5; return y; }
    static int m57(int x) { int y = x * 115 + 57; if ((y & 2) == 0) y ^= x >>> 6; return y; }
    static int m58(int x) { int y = x * 117 + 58; if ((y & 3) == 0) y ^= x >>> 7; return y; }
    static int m59(int x) { int y = x * 119 + 59; if ((y & 4) == 0) y ^= x >>> 8; return y; }
    public static long run(int rounds) {
        long s = 0;
        for (int i = 0; i < rounds; i++) {
            s += m0(i) + m1(i) + m2(i) + m3(i) + m4(i) + m5(i) + m6(i) + m7(i) + m8(i) + m9(i) + m10(i) + m11(i) + m12(i) + m13(i) + m14(i) + m15(i) + m16(i) + m17(i) + m18(i) + m19(i) + m20(i) + m21(i) + m22(i) + m23(i) + m24(i) + m25(i) + m26(i) + m27(i) + m28(i) + m29(i) + m30(i) + m31(i) + m32(i) + m33(i) + m34(i) + m35(i) + m36(i) + m37(i) + m38(i) + m39(i) + m40(i) + m41(i) + m42(i) + m43(i) + m44(i) + m45(i) + m46(i) + m47(i) + m48(i) + m49(i) + m50(i) + m51(i) + m52(i) + m53(i) + m54(i) + m55(i) + m56(i) + m57(i) + m58(i) + m59(i);
        }
        return s;
    }
}
