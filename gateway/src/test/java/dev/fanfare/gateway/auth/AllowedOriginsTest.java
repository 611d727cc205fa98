package dev.fanfare.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    private final AllowedOrigins defaults = AllowedOrigins.parse(List.of("self", "localhost"));

    @Test
    void theDefaultAllowsThePagesOwnOriginAndLocalhostOnly() {
        assertTrue(defaults.allows("http://push.example:8080", "push.example:8080"), "same origin");
        assertTrue(defaults.allows("https://push.example", "push.example:443"), "default port");
        assertTrue(defaults.allows("http://localhost:3000", "push.example"));
        assertTrue(defaults.allows("http://127.0.0.1:5173", "push.example"));
        assertTrue(defaults.allows("http://[::1]:8080", "push.example"));
        assertFalse(defaults.allows("https://evil.example", "push.example"));
        assertFalse(defaults.allows("http://push.example:8081", "push.example:8080"), "another port is another origin");
        assertFalse(defaults.allows("http://localhost.evil.example", "push.example"));
        assertFalse(defaults.allows("null", "push.example"), "sandboxed frames and files");
        assertFalse(defaults.allows("http://push.example", null), "no Host: nothing is the same origin");
    }

    @Test
    void exactOriginsAndAnyAreTaken() {
        AllowedOrigins exact = AllowedOrigins.parse(List.of("https://App.Example:443"));
        assertTrue(exact.allows("https://app.example", "gw.internal"));
        assertFalse(exact.allows("http://app.example", "gw.internal"), "the scheme counts");
        assertFalse(exact.allows("http://localhost", "gw.internal"));
        assertTrue(AllowedOrigins.parse(List.of("*")).allows("null", "x"));
    }

    @Test
    void aMalformedEntryIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AllowedOrigins.parse(List.of("self", "app.example/path")));
        assertEquals("allowed origin: 'app.example/path' (expected: self, localhost, * or scheme://host[:port],"
                + " e.g. https://app.example.com)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AllowedOrigins.parse(List.of("https://app.example/x")));
    }
}
