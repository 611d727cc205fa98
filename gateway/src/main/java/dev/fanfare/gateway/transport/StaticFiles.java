package dev.fanfare.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo page and its assets, read from the classpath folder {@code web/} once at startup (disk
 * never touches an event loop) and served from memory.
 */
public final class StaticFiles {

    private record File(byte[] body, String contentType) {
    }

    private final Map<String, File> files;

    private StaticFiles(Map<String, File> files) {
        this.files = Map.copyOf(files);
    }

    /** Loads every file under the classpath folder {@code root}; none when it is missing. */
    public static StaticFiles load(String root) {
        URL url = StaticFiles.class.getClassLoader().getResource(root);
        Map<String, File> files = new HashMap<>();
        if (url == null) {
            return new StaticFiles(files);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    read(fs.getPath(root), files);
                }
            } else {
                read(Path.of(uri), files);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new StaticFiles(files);
    }

    private static void read(Path dir, Map<String, File> into) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(p)) {
                    String name = "/" + dir.relativize(p).toString().replace('\\', '/');
                    try (InputStream in = Files.newInputStream(p)) {
                        into.put(name, new File(in.readAllBytes(), contentType(name)));
                    }
                }
            }
        }
    }

    private static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            default -> "application/octet-stream";
        };
    }

    /** The file at {@code path} ({@code /} is {@code /index.html}), or null. */
    public FullHttpResponse response(String path) {
        File f = files.get("/".equals(path) ? "/index.html" : path);
        if (f == null) {
            return null;
        }
        ByteBuf body = Unpooled.wrappedBuffer(f.body());
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setContentLength(r, f.body().length);
        return r;
    }
}
