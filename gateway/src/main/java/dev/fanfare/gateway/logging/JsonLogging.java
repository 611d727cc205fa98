package dev.fanfare.gateway.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * {@code --log-format json}: one JSON object per line on standard error
 * ({@code {"ts":..,"level":..,"logger":..,"thread":..,"message":..,"error":..}}), for log
 * collectors. The levels are those of {@code simplelogger.properties}, so both formats log the same
 * lines. Chosen with the system property {@code slf4j.provider} (see {@link #select}); text stays
 * slf4j-simple's.
 */
public final class JsonLogging implements SLF4JServiceProvider {

    private static final JsonFactory JSON = new JsonFactory();

    private ILoggerFactory factory;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Makes SLF4J use this provider; call before the first logger is asked for. */
    public static void select() {
        System.setProperty("slf4j.provider", JsonLogging.class.getName());
        // Else SLF4J reports, as a text line, that it loads the provider it was asked for.
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        factory = new Factory(levels());
    }

    /** {@code simplelogger.properties}' levels: the default, and by logger-name prefix. */
    private static Properties levels() {
        Properties p = new Properties();
        try (InputStream in = JsonLogging.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static final class Factory implements ILoggerFactory {
        private static final String PREFIX = "org.slf4j.simpleLogger.log.";
        private final Properties levels;
        private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

        Factory(Properties levels) {
            this.levels = levels;
        }

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, n -> new JsonLogger(n, levelOf(n)));
        }

        private Level levelOf(String name) {
            for (String n = name; !n.isEmpty(); n = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : "") {
                String level = levels.getProperty(PREFIX + n);
                if (level != null) {
                    return Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
                }
            }
            return Level.valueOf(levels.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info").trim()
                    .toUpperCase(Locale.ROOT));
        }
    }

    private static final class JsonLogger extends AbstractLogger {
        private final int threshold;

        JsonLogger(String name, Level threshold) {
            this.name = name;
            this.threshold = threshold.toInt();
        }

        private boolean on(Level level) {
            return level.toInt() >= threshold;
        }

        @Override public boolean isTraceEnabled() { return on(Level.TRACE); }
        @Override public boolean isTraceEnabled(Marker m) { return on(Level.TRACE); }
        @Override public boolean isDebugEnabled() { return on(Level.DEBUG); }
        @Override public boolean isDebugEnabled(Marker m) { return on(Level.DEBUG); }
        @Override public boolean isInfoEnabled() { return on(Level.INFO); }
        @Override public boolean isInfoEnabled(Marker m) { return on(Level.INFO); }
        @Override public boolean isWarnEnabled() { return on(Level.WARN); }
        @Override public boolean isWarnEnabled(Marker m) { return on(Level.WARN); }
        @Override public boolean isErrorEnabled() { return on(Level.ERROR); }
        @Override public boolean isErrorEnabled(Marker m) { return on(Level.ERROR); }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable error) {
            StringWriter line = new StringWriter(256);
            try (JsonGenerator g = JSON.createGenerator(line)) {
                g.writeStartObject();
                g.writeStringField("ts", Instant.now().toString());
                g.writeStringField("level", level.name());
                g.writeStringField("logger", name);
                g.writeStringField("thread", Thread.currentThread().getName());
                g.writeStringField("message", MessageFormatter.basicArrayFormat(pattern, args));
                if (error != null) {
                    StringWriter trace = new StringWriter();
                    error.printStackTrace(new PrintWriter(trace));
                    g.writeStringField("error", trace.toString());
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            synchronized (System.err) {
                System.err.println(line);
            }
        }
    }
}
