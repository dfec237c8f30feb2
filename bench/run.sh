#!/usr/bin/env bash
# bench/run.sh: our full build against Hugo over the same generated Markdown.
#
# For each size M in SIZES it generates one content root (cmd/gencorpus,
# M articles, M/5 partners), then runs, alternately and RUNS times each:
#   ours   marketplace build --root ROOT --out DIR --internal-out DIR2 --as-of 2026-11-28
#          with MARKETPLACE_CACHE=off: nothing kept from earlier runs, as in a
#          CI job without a cache
#   cached the same with its cache (WORK/cache-M) kept from the run before, as
#          in a CI job that restores it or an author's second build: nothing
#          changed, so every article's check and body come from it
#   hugo   hugo --source SITE --destination DIR   (bench/hugo-site around ROOT/content)
#   floor  bench/floor ROOT: goldmark (internal/markdown) over every body, all cores
# each under /usr/bin/time -f '%e %U %S %M' (wall, user, sys, peak RSS), and
# prints a Markdown table per size (medians, ours/Hugo ratios) and one of
# memory per article across sizes. Every run writes its site from scratch
# into a folder of its own (WORK/out/SIZE/NAME-RUN); one untimed warm-up run
# of each comes first (page cache, Hugo's caches).
#
# No run follows a deletion closely. ext4 without a journal (this VM's root
# file system) passes over inodes freed in the last minute when it allocates
# new ones (fs/ext4/ialloc.c: recently_deleted, twice dirty_expire_centisecs),
# looking each up in the buffer cache. A build that follows the deletion of
# the last one's tens of thousands of files pays seconds of system time for
# it, more the more files it writes: with outputs deleted before every run,
# our 10,000-article build took 14 to 31 s and Hugo's 29 to 39 s. So outputs
# are kept until a size is done, and after any deletion the script waits REST
# seconds before the next timed run. Disk needed: about 0.2 MB per article
# per round of ours, cached and Hugo (12 GB for 10,000 articles, RUNS=5 and
# a warm-up; 10 GB per round at 50,000).
#
# Nor does a run pay for the one before: each timed run starts after sync
# (the last run's pages are on disk) and once the kernel's I/O pressure
# (/proc/pressure/io, "some" over the last 10 s) is below QUIET percent.
# This VM mounts its root with discard: a large deletion goes on trimming
# for minutes after rm returns, and a build timed beside it took twice its
# usual system time.
#
# Usage (from anywhere):
#   bench/run.sh
#   SIZES="1000 10000" RUNS=3 bench/run.sh
#
# Environment:
#   SIZES       article counts, default "1000 10000 50000"
#   RUNS        timed runs of each, default 5
#   WARMUP      untimed runs of each first, default 1
#   SEED        generator seed, default 1
#   WORK        work directory (roots, outputs, logs), default /tmp/mp-bench
#   REGEN       1 to regenerate roots that already exist for the same size
#               and seed (default 0: a root is reused)
#   REST        seconds to wait after deleting outputs before a timed run,
#               default 65 (see above); 0 to not wait
#   QUIET       I/O pressure (percent of time, avg10) a timed run waits to
#               fall below, default 2; waits are logged and give up after
#               QUIET_MAX seconds (default 900), the run going ahead anyway
#   KEEP_GOING  1 to pass --keep-going to our build
#   CACHED      0 to leave out the cached runs (default 1)
#
# Needs go, hugo (Debian's package; installed with apt-get when missing and
# running as root) and GNU time (package "time"). Results: stdout, and
# WORK/results.md; every run's raw numbers: WORK/runs.tsv; logs: WORK/logs/.
set -euo pipefail

SIZES=${SIZES:-"1000 10000 50000"}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SEED=${SEED:-1}
WORK=${WORK:-/tmp/mp-bench}
REGEN=${REGEN:-0}
REST=${REST:-65}
QUIET=${QUIET:-2}
QUIET_MAX=${QUIET_MAX:-900}
KEEP_GOING=${KEEP_GOING:-0}
CACHED=${CACHED:-1}
ASOF=2026-11-28
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIME=/usr/bin/time

log() { printf '%s\n' "$*" >&2; }

need_pkg() { # need_pkg CMD PACKAGE
	if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			log "installing $2"
			DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null
		else
			log "$1 is missing: install the $2 package"; exit 2
		fi
	fi
}
need_pkg hugo hugo
need_pkg "$TIME" time

mkdir -p "$WORK/bin" "$WORK/logs"
log "building binaries ($(go version | cut -d' ' -f3))"
(cd "$REPO" && go build -o "$WORK/bin/marketplace" ./cmd/marketplace \
	&& go build -o "$WORK/bin/gencorpus" ./cmd/gencorpus \
	&& go build -o "$WORK/bin/floor" ./bench/floor)
HUGO_VERSION=$(hugo version | cut -d' ' -f2)

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END{if(NR==0){print "nan"} else if(NR%2){print a[(NR+1)/2]} else {printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}}'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# io_some: the share of the last 10 s in which some task waited for I/O
# (percent); 0 where the kernel has no pressure stall information.
io_some() { sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' /proc/pressure/io 2>/dev/null || echo 0; }

# quiet: sync, then wait (up to QUIET_MAX s) for I/O pressure under QUIET.
quiet() {
	sync
	local start=$SECONDS p
	while p=$(io_some) && [ -n "$p" ] && awk -v p="$p" -v q="$QUIET" 'BEGIN{exit !(p >= q)}'; do
		if [ $((SECONDS - start)) -ge "$QUIET_MAX" ]; then
			log "  I/O pressure still ${p}% after ${QUIET_MAX} s; running anyway"
			return 0
		fi
		sleep 2
	done
	[ $((SECONDS - start)) -ge 4 ] && log "  waited $((SECONDS - start)) s for I/O to quiet down"
	return 0
}

# timed NAME SIZE RUN CMD...: runs CMD under GNU time, appends
# "size name run wall cpu rss_kib status render_wall render_cpu sys" to
# runs.tsv (runs <= 0 are warm-ups). cpu is user + sys; sys is apart
# because the file system's state moves it run to run (see Session 8).
timed() {
	local name=$1 size=$2 run=$3; shift 3
	local tf="$WORK/logs/time.$name.$size.$run" lf="$WORK/logs/$name.$size.$run.log" st=0
	quiet
	"$TIME" -f '%e %U %S %M' -o "$tf" "$@" >"$lf" 2>&1 || st=$?
	read -r wall user sys rss < <(tail -n1 "$tf")
	# The floor times its rendering itself (files already read): columns 8, 9.
	local rw=- rc=-
	if [ "$name" = floor ] && [ "$st" = 0 ]; then
		rw=$(sed -n 's/.*render_wall=\([0-9.]*\).*/\1/p' "$lf")
		rc=$(sed -n 's/.*render_cpu=\([0-9.]*\).*/\1/p' "$lf")
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$name" "$run" "$wall" \
		"$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')" "$rss" "$st" "$rw" "$rc" "$sys" >>"$WORK/runs.tsv"
	if [ "$st" != 0 ]; then
		log "  $name run $run exited $st; last lines of $lf:"
		tail -n 5 "$lf" | sed 's/^/    /' >&2
	fi
	return 0
}

: >"$WORK/runs.tsv"
RESULTS="$WORK/results.md"
{
	echo "# bench/run.sh results, $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(go version | cut -d' ' -f3), hugo $HUGO_VERSION; RUNS=$RUNS, WARMUP=$WARMUP, SEED=$SEED."
} >"$RESULTS"

for M in $SIZES; do
	P=$((M / 5))
	ROOT="$WORK/root-$M"
	STAMP="$WORK/root-$M.stamp"
	if [ "$REGEN" = 1 ] || [ ! -d "$ROOT" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$P $M $SEED" ]; then
		rm -rf "$ROOT" "$STAMP"
		log "generating $M articles, $P partners into $ROOT"
		start=$(date +%s.%N)
		"$WORK/bin/gencorpus" -partners "$P" -articles "$M" -seed "$SEED" "$ROOT"
		echo "$P $M $SEED" >"$STAMP"
		log "  done in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f s", e-s}')"
	fi
	SITE="$WORK/hugo-site-$M"
	rm -rf "$SITE"
	cp -r "$REPO/bench/hugo-site" "$SITE"
	# Hugo refuses a symlinked content folder; mount the root's by its path.
	sed -i "s|^source = \"content\"|source = \"$ROOT/content\"|" "$SITE/hugo.toml"

	# Outputs of earlier runs of this size go; then the inodes they freed
	# must age before anything is timed (see the top of this file).
	OUT="$WORK/out/$M"
	CACHE_DIR="$WORK/cache-$M"
	if [ -e "$OUT" ] || [ -e "$CACHE_DIR" ] || compgen -G "$WORK/out-*-$M" >/dev/null; then
		rm -rf "$OUT" "$CACHE_DIR" "$WORK"/out-*-"$M"
		deleted=$(date +%s)
	fi
	mkdir -p "$OUT"
	floor_cmd=("$WORK/bin/floor" "$ROOT")
	# ours_cmd NAME RUN CACHE: our build into NAME-RUN and NAME-internal-RUN
	ours_cmd() {
		cmd=(env MARKETPLACE_CACHE="$3" "$WORK/bin/marketplace" build --root "$ROOT"
			--out "$OUT/$1-$2" --internal-out "$OUT/$1-internal-$2" --as-of "$ASOF")
		[ "$KEEP_GOING" = 1 ] && cmd+=(--keep-going)
		return 0
	}

	rm -f "$WORK"/logs/*."$M".*
	if [ -n "${deleted:-}" ]; then
		wait_s=$((deleted + REST - $(date +%s)))
		if [ "$wait_s" -gt 0 ]; then
			log "waiting ${wait_s} s for the inodes of deleted outputs to age"
			sleep "$wait_s"
		fi
		deleted=
	fi
	load_before=$(loadavg)
	log "size $M: load average $load_before"
	if [ "$CACHED" = 1 ] && [ "$WARMUP" -lt 1 ]; then
		# The cached runs need a run before them to fill the cache.
		ours_cmd cached prime "$CACHE_DIR"
		timed cached "$M" 0 "${cmd[@]}"
	fi
	at() { awk -v m="$M" -v n="$1" -v r="$run" '$1==m&&$2==n&&$3==r{print $4"s"}' "$WORK/runs.tsv"; }
	for ((run = 1 - WARMUP; run <= RUNS; run++)); do
		ours_cmd ours "$run" off
		timed ours "$M" "$run" "${cmd[@]}"
		if [ "$CACHED" = 1 ]; then
			ours_cmd cached "$run" "$CACHE_DIR"
			timed cached "$M" "$run" "${cmd[@]}"
		fi
		timed hugo "$M" "$run" hugo --source "$SITE" --destination "$OUT/hugo-$run" --quiet
		timed floor "$M" "$run" "${floor_cmd[@]}"
		log "  run $run: ours $(at ours), cached $(at cached), hugo $(at hugo)"
	done
	load_after=$(loadavg)

	# col SIZE NAME FIELD: median of a runs.tsv column over the timed runs
	col() { awk -v m="$1" -v n="$2" -v f="$3" '$1==m && $2==n && $3>0 && $7==0 {print $f}' "$WORK/runs.tsv" | median; }
	failed() { awk -v m="$1" -v n="$2" '$1==m && $2==n && $3>0 && $7!=0' "$WORK/runs.tsv" | wc -l; }
	ow=$(col "$M" ours 4) oc=$(col "$M" ours 5) orss=$(col "$M" ours 6) os=$(col "$M" ours 10)
	cw=$(col "$M" cached 4) cc=$(col "$M" cached 5) crss=$(col "$M" cached 6) cs=$(col "$M" cached 10)
	hw=$(col "$M" hugo 4) hc=$(col "$M" hugo 5) hrss=$(col "$M" hugo 6) hs=$(col "$M" hugo 10)
	fw=$(col "$M" floor 4) fc=$(col "$M" floor 5) frss=$(col "$M" floor 6) fs=$(col "$M" floor 10)
	frw=$(col "$M" floor 8) frc=$(col "$M" floor 9)
	files() { [ -d "$1" ] && find "$1" -type f | wc -l || echo 0; }
	mib() { awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}'; }
	kpa() { awk -v k="$1" -v m="$M" 'BEGIN{printf "%.1f", k/m}'; }
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if (b>0) printf "%.2f", a/b; else print "n/a"}'; }
	table=$(
		echo
		echo "## $M articles, $P partners"
		echo
		echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after. Medians of $RUNS runs."
		echo
		echo "| build | wall s | CPU s (user+sys) | of which sys | peak RSS MiB | RSS KiB/article | files written |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
		echo "| ours (public + internal site), no cache | $ow | $oc | $os | $(mib "$orss") | $(kpa "$orss") | $(files "$OUT/ours-$RUNS") + $(files "$OUT/ours-internal-$RUNS") |"
		[ "$CACHED" = 1 ] && echo "| ours, cache of the run before | $cw | $cc | $cs | $(mib "$crss") | $(kpa "$crss") | $(files "$OUT/cached-$RUNS") + $(files "$OUT/cached-internal-$RUNS") |"
		echo "| Hugo $HUGO_VERSION | $hw | $hc | $hs | $(mib "$hrss") | $(kpa "$hrss") | $(files "$OUT/hugo-$RUNS") |"
		echo "| floor: render bodies only | $frw | $frc | | $(mib "$frss") | $(kpa "$frss") | 0 |"
		echo "| floor process (read + render) | $fw | $fc | $fs | | | |"
		echo "| **ours / Hugo** | **$(ratio "$ow" "$hw")** | **$(ratio "$oc" "$hc")** | $(ratio "$os" "$hs") | **$(ratio "$orss" "$hrss")** | | |"
		echo "| ours / floor | $(ratio "$ow" "$frw") | $(ratio "$oc" "$frc") | | $(ratio "$orss" "$frss") | | |"
		if [ "$CACHED" = 1 ]; then
			echo "| **cached / Hugo** | **$(ratio "$cw" "$hw")** | **$(ratio "$cc" "$hc")** | $(ratio "$cs" "$hs") | **$(ratio "$crss" "$hrss")** | | |"
			echo "| cached / floor | $(ratio "$cw" "$frw") | $(ratio "$cc" "$frc") | | $(ratio "$crss" "$frss") | | |"
		fi
		of=$(failed "$M" ours) cf=$(failed "$M" cached) hf=$(failed "$M" hugo)
		if [ "$of" != 0 ] || [ "$cf" != 0 ] || [ "$hf" != 0 ]; then
			echo
			echo "Failed runs: ours $of, cached $cf, Hugo $hf (exit status in $WORK/runs.tsv, output in $WORK/logs/)."
		fi
	)
	printf '%s\n' "$table"
	printf '%s\n' "$table" >>"$RESULTS"
done

summary=$(
	echo
	echo "## Peak RSS per article (KiB), medians"
	echo
	echo "| articles | ours | cached | Hugo | floor |"
	echo "| ---: | ---: | ---: | ---: | ---: |"
	for M in $SIZES; do
		row="| $M"
		for n in ours cached hugo floor; do
			k=$(awk -v m="$M" -v n="$n" '$1==m && $2==n && $3>0 && $7==0 {print $6}' "$WORK/runs.tsv" | median)
			row="$row | $(awk -v k="$k" -v m="$M" 'BEGIN{printf "%.1f", k/m}')"
		done
		echo "$row |"
	done
)
printf '%s\n' "$summary"
printf '%s\n' "$summary" >>"$RESULTS"
log "results: $RESULTS; raw runs: $WORK/runs.tsv"
