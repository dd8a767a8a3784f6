package dev.candor.balance;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A selection whose unusable candidates, loads and hash key a test sets. */
final class FakeSelection<T> implements Selection<T> {

    private final Set<T> unusable;
    private final Map<T, Integer> loads;
    private final CharSequence key;

    private FakeSelection(Set<T> unusable, Map<T, Integer> loads, CharSequence key) {
        this.unusable = unusable;
        this.loads = loads;
        this.key = key;
    }

    /** Every candidate usable and idle, no key. */
    static <T> FakeSelection<T> all() {
        return new FakeSelection<>(Set.of(), Map.of(), null);
    }

    @SafeVarargs
    final FakeSelection<T> without(T... candidates) {
        return new FakeSelection<>(Set.copyOf(List.of(candidates)), loads, key);
    }

    FakeSelection<T> withLoads(Map<T, Integer> inFlight) {
        return new FakeSelection<>(unusable, Map.copyOf(inFlight), key);
    }

    FakeSelection<T> withKey(CharSequence hashKey) {
        return new FakeSelection<>(unusable, loads, hashKey);
    }

    @Override
    public boolean usable(T candidate) {
        return !unusable.contains(candidate);
    }

    @Override
    public int inFlight(T candidate) {
        return loads.getOrDefault(candidate, 0);
    }

    @Override
    public CharSequence hashKey() {
        return key;
    }
}
