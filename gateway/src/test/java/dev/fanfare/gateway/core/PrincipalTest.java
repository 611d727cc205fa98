package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrincipalTest {

    @Test
    void clapsCountForTheSubjectAndAnotherClaimedUserIsForbidden() {
        Principal alice = Principal.of("alice", Principal.Grants.NONE, Instant.now().plusSeconds(60));
        assertEquals("alice", alice.counterUser(null));
        assertEquals("alice", alice.counterUser("alice"));
        ApiException e = assertThrows(ApiException.class, () -> alice.counterUser("bob"));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertEquals("user: 'bob' (expected: the token's subject 'alice', or no user)", e.getMessage());
    }

    @Test
    void withoutAKeyTheClaimedUserIsBelievedAndWithoutATokenNobodyCounts() {
        assertEquals("bob", Principal.OPEN.counterUser("bob"));
        assertNull(Principal.OPEN.counterUser(null), "the counters refuse a missing user, as before");
        assertEquals(ErrorCode.UNAUTHORIZED,
                assertThrows(ApiException.class, () -> Principal.anonymous(Principal.Grants.NONE).counterUser("bob")).code());
    }

    @Test
    void aChannelNotGrantedIs401WithoutATokenAnd403WithOne() {
        List<ChannelName> demo = List.of(ChannelName.parse("demo/x"));
        assertEquals(ErrorCode.UNAUTHORIZED, assertThrows(ApiException.class,
                () -> Principal.anonymous(Principal.Grants.NONE).requireSubscribe(demo)).code());
        ApiException forbidden = assertThrows(ApiException.class,
                () -> Principal.of("alice", Principal.Grants.NONE, null).requirePublish(demo.get(0)));
        assertEquals(ErrorCode.FORBIDDEN, forbidden.code());
        assertEquals("publish: 'demo/x' (expected: a channel this token grants to publish: none)", forbidden.getMessage());
        Principal.OPEN.requireSubscribe(demo);
        Principal.OPEN.requirePublish(demo.get(0));
    }
}
