package dev.rlhf4j.workshop;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;

/** The join link as a QR code, a PNG for the projector (ZXing's encoder, black on white). */
final class JoinQr {

    private JoinQr() {}

    /** A PNG of {@code text} as a QR code, {@code size} pixels square with a quiet zone. */
    static byte[] png(String text, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image(text, size), "png", out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the QR code as PNG", e);
        }
        return out.toByteArray();
    }

    /** {@code text} as a QR code image, {@code size} pixels square with a quiet zone. */
    static BufferedImage image(String text, int size) {
        BitMatrix m;
        try {
            m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
                    Map.of(EncodeHintType.MARGIN, 2, EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode the join link as a QR code: " + e.getMessage(), e);
        }
        BufferedImage image = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                image.setRGB(x, y, m.get(x, y) ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        return image;
    }
}
