//! Reading, parsing and storing at once: a reader thread, parser threads and the caller's
//! thread, joined by bounded channels, with the input's order kept.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use super::ImportError;

/// Items per message between threads.
const CHUNK: usize = 1024;
/// Messages waiting per channel: bounds the memory whatever the input's size.
const DEPTH: usize = 4;

/// Hands items to the next stage; `false` once it stopped listening.
pub(super) type Emit<'a, T> = dyn FnMut(T) -> bool + 'a;

/// How many parser threads: see [`run`].
const PARSERS: usize = 1;

/// Runs `source` (which emits raw items) on a reader thread, `parse` on parser threads and
/// `consume` on this thread, in the source's order. The first error of `consume` or `source` ends the run; items emitted before a source error are consumed
/// first.
pub(super) fn run<T, U, S, P, C>(source: S, parse: P, mut consume: C) -> Result<(), ImportError>
where
    T: Send,
    U: Send,
    S: FnOnce(&mut Emit<'_, T>) -> Result<(), ImportError> + Send,
    P: Fn(T) -> U + Sync,
    C: FnMut(U) -> Result<(), ImportError>,
{
    // Parsing phone numbers is the costly part, yet one parser thread is the fastest: the
    // phonenumber crate keeps its compiled patterns in one cache behind one mutex, so a second
    // parser mostly waits on it (measured on 200,000 lines: 4.2 s with one parser, 7.1 s with
    // two). The reader and the store writer run beside it.
    let parsers = PARSERS;
    thread::scope(|scope| {
        let parse = &parse;
        let mut inputs: Vec<SyncSender<Vec<T>>> = Vec::with_capacity(parsers);
        let mut outputs: Vec<Receiver<Vec<U>>> = Vec::with_capacity(parsers);
        let mut parser_threads = Vec::with_capacity(parsers);
        for _ in 0..parsers {
            let (to_parser, parser_in) = sync_channel::<Vec<T>>(DEPTH);
            let (parser_out, from_parser) = sync_channel::<Vec<U>>(DEPTH);
            parser_threads.push(scope.spawn(move || {
                for chunk in parser_in {
                    let parsed: Vec<U> = chunk.into_iter().map(parse).collect();
                    if parser_out.send(parsed).is_err() {
                        return;
                    }
                }
            }));
            inputs.push(to_parser);
            outputs.push(from_parser);
        }

        let reader = scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut sent = 0usize;
            let mut listening = true;
            let send = |chunk: Vec<T>, sent: &mut usize| {
                let ok = inputs[*sent % inputs.len()].send(chunk).is_ok();
                *sent += 1;
                ok
            };
            let result = source(&mut |item| {
                if !listening {
                    return false;
                }
                chunk.push(item);
                if chunk.len() == CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    listening = send(full, &mut sent);
                }
                listening
            });
            if listening && !chunk.is_empty() {
                send(chunk, &mut sent);
            }
            result
        });

        let mut consumed = Ok(());
        'chunks: for turn in 0.. {
            let Ok(chunk) = outputs[turn % outputs.len()].recv() else {
                break;
            };
            for item in chunk {
                if let Err(e) = consume(item) {
                    consumed = Err(e);
                    break 'chunks;
                }
            }
        }
        drop(outputs);
        let read = reader
            .join()
            .map_err(|_| ImportError::Internal("the reader thread failed".into()))?;
        for parser in parser_threads {
            parser
                .join()
                .map_err(|_| ImportError::Internal("a parser thread failed".into()))?;
        }
        consumed.and(read)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_kept_across_parsers() {
        let mut got = Vec::new();
        run(
            |emit: &mut Emit<'_, u64>| {
                for n in 0..100_000 {
                    emit(n);
                }
                Ok(())
            },
            |n| n * 2,
            |n| {
                got.push(n);
                Ok(())
            },
        )
        .expect("run");
        assert_eq!(got, (0..100_000).map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_consumer_error_stops_the_reader() {
        let mut emitted_after_stop = false;
        let result = run(
            |emit: &mut Emit<'_, u64>| {
                for n in 0..u64::MAX {
                    if !emit(n) {
                        return Ok(());
                    }
                    if n > 10_000_000 {
                        emitted_after_stop = true;
                        return Ok(());
                    }
                }
                Ok(())
            },
            |n| n,
            |n| {
                if n == 5_000 {
                    Err(ImportError::NothingToImport)
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(result, Err(ImportError::NothingToImport)));
        assert!(!emitted_after_stop);
    }

    #[test]
    fn a_source_error_comes_after_the_items_before_it() {
        let mut got = 0;
        let result = run(
            |emit: &mut Emit<'_, u64>| {
                for n in 0..3_000 {
                    emit(n);
                }
                Err(ImportError::Binary)
            },
            |n| n,
            |_| {
                got += 1;
                Ok(())
            },
        );
        assert!(matches!(result, Err(ImportError::Binary)));
        assert_eq!(got, 3_000);
    }
}
