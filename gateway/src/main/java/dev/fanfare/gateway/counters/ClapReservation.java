package dev.fanfare.gateway.counters;

/**
 * The answer to a clap reservation.
 *
 * @param id the reservation id when accepted (at least 1), 0 when refused
 * @param userClaps the user's claps on the post including this reservation when accepted, or the claps
 *        already reserved when refused
 */
public record ClapReservation(long id, long userClaps) {

    public boolean accepted() {
        return id > 0;
    }
}
