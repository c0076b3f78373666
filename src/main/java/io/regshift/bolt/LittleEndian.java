package io.regshift.bolt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** bbolt writes its integers in host order; files come from amd64/arm64, so little-endian. */
final class LittleEndian {

    private static final VarHandle U16 =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {}

    static int u16(byte[] bytes, int offset) {
        return (short) U16.get(bytes, offset) & 0xFFFF;
    }

    static long u32(byte[] bytes, int offset) {
        return (int) U32.get(bytes, offset) & 0xFFFFFFFFL;
    }

    static long u64(byte[] bytes, int offset) {
        return (long) U64.get(bytes, offset);
    }
}
