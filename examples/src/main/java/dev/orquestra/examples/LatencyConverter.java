package dev.orquestra.examples;

import dev.orquestra.examples.squad.SquadSettings.Latency;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --latency-ms MIN..MAX} (or a single number of milliseconds). */
final class LatencyConverter implements ITypeConverter<Latency> {

    @Override
    public Latency convert(String value) {
        try {
            return Latency.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
