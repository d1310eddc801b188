package io.jaio;

import java.util.List;

/**
 * What {@link Aio#scandir} returns: the names in one directory, split into real
 * subdirectories and everything else (files, symlinks — even to directories — and entries
 * that vanished). Names are relative to the scanned directory and in no particular order.
 *
 * @param dirs    names of subdirectories
 * @param nondirs names of all other entries
 */
public record ScanResult(List<String> dirs, List<String> nondirs) {
    public ScanResult {
        dirs = List.copyOf(dirs);
        nondirs = List.copyOf(nondirs);
    }
}
