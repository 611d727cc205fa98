package dev.fanfare.gateway;

import dev.fanfare.gateway.auth.TokenIssuer;
import dev.fanfare.gateway.auth.TokenVerifier;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fanfare token}: prints a token signed with the configured key, as an application issues
 * them for its users (for trying the gateway with auth on, and for scripts).
 */
@Command(name = "fanfare token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints an access token signed with the configured key, as the application would issue it:",
                "--jwt-secret (HS256), --jwt-private-key (RS256 or ES256: the private half of the gateway's"
                        + " --jwt-public-key), or --jwks (a set with a private key). With a verification key"
                        + " configured too, the token is checked against it before it is printed."})
public final class TokenCommand implements Callable<Integer> {

    @Mixin
    AuthOptions auth;

    @Option(names = "--jwt-private-key", defaultValue = "${env:FANFARE_JWT_PRIVATE_KEY}", paramLabel = "FILE",
            description = "RS256 or ES256: the PEM private key (PKCS#8, RSA or EC P-256) to sign with, the other half"
                    + " of the gateway's --jwt-public-key (env FANFARE_JWT_PRIVATE_KEY)")
    Path privateKey;

    @Option(names = "--sub", required = true, description = "the user the token is for (claps and likes count for it)")
    String subject;

    @Option(names = "--subscribe", split = ",", paramLabel = "PATTERN",
            description = "channels it may subscribe to: stream/key or stream/* (repeat, or separate with commas)")
    List<String> subscribe = new ArrayList<>();

    @Option(names = "--publish", split = ",", paramLabel = "PATTERN",
            description = "channels it may publish on: stream/key or stream/* (repeat, or separate with commas)")
    List<String> publish = new ArrayList<>();

    @Option(names = "--ttl", defaultValue = "1h", converter = Ttl.class,
            description = "how long it is valid: 90s, 15m, 1h, 7d or ISO-8601 (default ${DEFAULT-VALUE})")
    Duration ttl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String token;
        try {
            GatewayConfig.Auth config = auth.applyTo(GatewayConfig.Auth.DEFAULTS);
            token = new TokenIssuer(config, privateKey == null || privateKey.toString().isBlank() ? null : privateKey,
                    Clock.systemUTC()).issue(subject, subscribe, publish, ttl);
            if (config.enabled()) {
                requireVerifiable(config, token);
            }
        } catch (IllegalArgumentException bad) {
            throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage(), bad);
        }
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A token the gateway with {@code config} would refuse is not printed: the keys do not match. */
    private static void requireVerifiable(GatewayConfig.Auth config, String token) {
        try {
            new TokenVerifier(config, Clock.systemUTC()).authenticate(token);
        } catch (ApiException refused) {
            throw new IllegalArgumentException("signing key: not the other half of the gateway's key, which would refuse"
                    + " the token: " + refused.getMessage(), refused);
        }
    }

    /** A token's lifetime as people type it: whole seconds, minutes, hours or days, or ISO-8601. */
    static final class Ttl implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value.strip());
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                try {
                    d = Duration.parse(value.strip());
                } catch (DateTimeParseException e) {
                    throw new CommandLine.TypeConversionException("ttl: '" + value + "' (expected: e.g. 90s, 15m, 1h, 7d or PT1H)");
                }
            }
            if (d.toSeconds() < 1) {
                throw new CommandLine.TypeConversionException("ttl: '" + value + "' (expected: at least 1s)");
            }
            return d;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TokenCommand()).execute(args));
    }
}
