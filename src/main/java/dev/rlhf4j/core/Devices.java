package dev.rlhf4j.core;

import ai.djl.Device;
import java.util.Locale;

/**
 * The device a run uses, chosen by a config option: {@code auto} (a GPU when DJL sees one, else the
 * CPU), {@code cpu} or {@code gpu}. Asking for {@code gpu} on a machine without one is an error, not
 * a silent fallback.
 */
public final class Devices {

    private Devices() {}

    /** Resolves {@code auto|cpu|gpu} (or {@code gpu:N}) to a DJL {@link Device}. */
    public static Device resolve(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        int gpus = Rlhf4j.init().getGpuCount();
        switch (s) {
            case "auto":
                return gpus > 0 ? Device.gpu() : Device.cpu();
            case "cpu":
                return Device.cpu();
            default:
                if (s.equals("gpu") || s.startsWith("gpu:")) {
                    int index = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
                    if (index >= gpus) {
                        throw new IllegalArgumentException(
                                "device '" + spec + "': DJL sees " + gpus + " GPU(s); see the README"
                                        + " section \"GPU\" for the CUDA natives, or use --device cpu");
                    }
                    return Device.gpu(index);
                }
                throw new IllegalArgumentException(
                        "device '" + spec + "': expected auto, cpu, gpu or gpu:N");
        }
    }

    /** A short description for logs, e.g. {@code "cpu"} or {@code "gpu(0)"}. */
    public static String describe(Device device) {
        return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
    }
}
