package dev.rlhf4j.kernel;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the static fields ({@code name:descriptor}) of a class file, so the execution control can
 * tell whether a recompiled JShell wrapper class still has the same variables as the loaded one.
 *
 * <p>Follows the class-file layout of JVMS §4.1: magic, versions, constant pool, access flags,
 * this/super, interfaces, then the fields.
 */
final class ClassFields {

    private static final int ACC_STATIC = 0x0008;

    private ClassFields() {}

    /** The static fields of the class file {@code bytes}, each as {@code name:descriptor}. */
    static Set<String> staticFields(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file (bad magic number)");
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            String[] utf8 = readConstantPool(in);
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            in.readUnsignedShort(); // super class
            in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
            Set<String> fields = new TreeSet<>();
            int count = in.readUnsignedShort();
            for (int i = 0; i < count; i++) {
                int access = in.readUnsignedShort();
                String name = utf8[in.readUnsignedShort()];
                String descriptor = utf8[in.readUnsignedShort()];
                skipAttributes(in);
                if ((access & ACC_STATIC) != 0) {
                    fields.add(name + ":" + descriptor);
                }
            }
            return fields;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated class file: " + e.getMessage(), e);
        }
    }

    /** Reads the constant pool; returns the UTF-8 entries by index (other entries are null). */
    private static String[] readConstantPool(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF(); // Utf8 (modified UTF-8, as readUTF expects)
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> in.skipNBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> { // Long, Double take two slots
                    in.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        return utf8;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        for (int i = 0; i < count; i++) {
            in.readUnsignedShort(); // name
            in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
        }
    }
}
