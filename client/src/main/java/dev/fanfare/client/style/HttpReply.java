package dev.fanfare.client.style;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP answer, copied out of Netty's buffers so it can travel freely (no reference counting).
 *
 * @param status      the status code
 * @param contentType the {@code Content-Type} header, or {@code ""}
 * @param body        the body bytes
 */
public record HttpReply(int status, String contentType, byte[] body) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
