#!/usr/bin/env bash
# mkinitrd.sh MANIFEST OUTPUT: packs the files a manifest names into a
# reproducible POSIX ustar archive (fixed owner, mode and time, manifest
# order), the format the kernel's initrd validator accepts.
set -euo pipefail

manifest=$1
output=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

names=()
lineno=0
while read -r path source extra; do
    lineno=$((lineno + 1))
    [[ -z "${path:-}" || "$path" == \#* ]] && continue
    if [[ -z "${source:-}" || -n "${extra:-}" ]]; then
        echo "mkinitrd: $manifest:$lineno: expected '<path> <source>'" >&2
        exit 1
    fi
    case "/${path%/}/" in
        *//*|*/./*|*/../*) echo "mkinitrd: $manifest:$lineno: bad path '$path'" >&2; exit 1 ;;
    esac
    if [[ "$source" == "-" ]]; then
        mkdir -p "$stage/$path"
    elif [[ "$source" == */ ]]; then
        if [[ ! -d "$source" ]]; then
            echo "mkinitrd: $manifest:$lineno: no such directory '$source'" >&2
            exit 1
        fi
        mkdir -p "$stage/$path"
        while IFS= read -r file; do
            cp "$source/$file" "$stage/${path%/}/$file"
            chmod 644 "$stage/${path%/}/$file"
            names+=("${path%/}/$file")
        done < <(cd "$source" && find . -maxdepth 1 -type f -printf '%P\n' | LC_ALL=C sort)
        continue
    else
        if [[ ! -f "$source" ]]; then
            echo "mkinitrd: $manifest:$lineno: no such file '$source'" >&2
            exit 1
        fi
        mkdir -p "$stage/$(dirname "$path")"
        cp "$source" "$stage/$path"
        if [[ -x "$source" ]]; then chmod 755 "$stage/$path"; else chmod 644 "$stage/$path"; fi
    fi
    names+=("$path")
done < "$manifest"

tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
    --no-recursion -C "$stage" -cf "$output.tmp" "${names[@]}"
mv "$output.tmp" "$output"
