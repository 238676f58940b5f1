//! The store's contract: what every backend must do, tested through the account handle only.
//! A new backend runs this same suite (`suite!` over its own constructor).

use super::testing::person;
use super::*;
use crate::domain::{OpSpec, OperationKind, OperationState, Participant, Person, Query, UserId};
use crate::testing::hidden;

/// Runs every contract test against the backend that `$open` (an async fn giving
/// `(guard, Store)`) opens.
macro_rules! suite {
    ($open:path) => {
        async fn account() -> (Box<dyn std::any::Any>, AccountStore) {
            let (guard, store) = $open().await;
            let acct = store
                .account("https://graph.example", "1000")
                .await
                .expect("account");
            (guard, acct)
        }

        #[tokio::test]
        async fn the_same_account_is_found_again_and_others_are_distinct() {
            let (_g, a) = account().await;
            let store = a.store().clone();
            let again = store
                .account("https://graph.example/", " 1000")
                .await
                .expect("again");
            let other_phone = store
                .account("https://graph.example", "2")
                .await
                .expect("b");
            let other_url = store
                .account("http://127.0.0.1:9", "1000")
                .await
                .expect("c");
            assert_eq!(a.id(), again.id());
            assert_ne!(a.id(), other_phone.id());
            assert_ne!(a.id(), other_url.id());
            assert_ne!(other_phone.id(), other_url.id());
        }

        #[tokio::test]
        async fn the_same_pending_change_twice_is_one_row() {
            let (_g, s) = account().await;
            let add = op("g", 1, OperationKind::Add);
            let report = s
                .enqueue(vec![add.clone(), add.clone()])
                .await
                .expect("enqueue");
            assert_eq!((report.stored, report.duplicates), (1, 1));
            assert_eq!(report.ids[0], report.ids[1], "both name the one row");
            let report = s.enqueue(vec![add]).await.expect("again");
            assert_eq!((report.stored, report.duplicates), (0, 1));
            assert_eq!(pending(&s).await.len(), 1);
        }

        #[tokio::test]
        async fn the_later_of_add_and_remove_wins_both_ways() {
            let (_g, s) = account().await;
            for (first, second) in [
                (OperationKind::Add, OperationKind::Remove),
                (OperationKind::Remove, OperationKind::Add),
            ] {
                let group = format!("g-{first}");
                let report = s.enqueue(vec![op(&group, 1, first)]).await.expect("first");
                assert_eq!(report.stored, 1);
                let report = s
                    .enqueue(vec![op(&group, 1, second)])
                    .await
                    .expect("second");
                assert_eq!(report.stored, 1);
                assert_eq!(report.replaced.len(), 1, "{report:?}");
                assert_eq!(report.replaced[0].replaced_kind, first);
                assert_eq!(report.replaced[0].spec.person(), Some(&person(1).into()));
                let left: Vec<_> = pending(&s)
                    .await
                    .into_iter()
                    .filter(|o| o.group() == Some(group.as_str()))
                    .map(|o| o.spec)
                    .collect();
                assert_eq!(left, vec![op(&group, 1, second)]);
            }
        }

        #[tokio::test]
        async fn sent_and_final_operations_are_history_not_rules() {
            let (_g, s) = account().await;
            let add = op("g", 1, OperationKind::Add);
            let report = s.enqueue(vec![add.clone()]).await.expect("enqueue");
            s.claim(report.ids.clone(), "attempt-1".into())
                .await
                .expect("claim");
            let report = s.enqueue(vec![add]).await.expect("again");
            assert_eq!((report.stored, report.duplicates), (1, 0));
            let report = s
                .enqueue(vec![op("g", 1, OperationKind::Remove)])
                .await
                .expect("opposite");
            assert_eq!(
                report.replaced.len(),
                1,
                "only the new pending add is replaced"
            );
            let sending = s
                .operations(OperationFilter::in_state(OperationState::Sending))
                .await
                .expect("sending");
            assert_eq!(sending.len(), 1);
        }

        #[tokio::test]
        async fn doubtful_changes_are_stored_with_a_flag() {
            let (_g, s) = account().await;
            mirror(&s, "full", &[1, 2, 3, 4, 5, 6, 7, 8]).await;
            mirror(&s, "small", &[1]).await;
            let report = s
                .enqueue(vec![
                    op("full", 9, OperationKind::Add),
                    op("small", 1, OperationKind::Add),
                    op("small", 2, OperationKind::Remove),
                    op("small", 3, OperationKind::Add),
                    op("unknown", 3, OperationKind::Remove),
                ])
                .await
                .expect("enqueue");
            assert_eq!(report.stored, 5);
            let flags: Vec<(Option<&str>, &str)> = report
                .flagged
                .iter()
                .map(|f| (f.spec.group(), f.flag.as_str()))
                .collect();
            assert_eq!(
                flags,
                vec![
                    (Some("full"), "would be 9 of 8 members: 8 now"),
                    (Some("small"), "already a member"),
                    (Some("small"), "not a member in the mirror"),
                ]
            );
            let stored = s
                .operations(OperationFilter::default())
                .await
                .expect("list");
            assert_eq!(
                stored[0].flag.as_deref(),
                Some("would be 9 of 8 members: 8 now")
            );
            assert_eq!(stored[3].flag, None);
        }

        #[tokio::test]
        async fn adds_that_cannot_fit_with_those_pending_are_flagged_at_queue_time() {
            let (_g, s) = account().await;
            mirror(&s, "empty", &[]).await;
            mirror(&s, "six", &[1, 2, 3, 4, 5, 6]).await;
            // Eight adds to an empty group fit; the ninth, in the same call, does not.
            let report = s
                .enqueue(
                    (10..19)
                        .map(|n| op("empty", n, OperationKind::Add))
                        .collect(),
                )
                .await
                .expect("enqueue");
            let flags: Vec<&str> = report.flagged.iter().map(|f| f.flag.as_str()).collect();
            assert_eq!(
                flags,
                ["would be 9 of 8 members: 0 now, 8 add(s) already pending"]
            );
            // In a later call, the pending ones are counted from the store; a removal makes
            // room, and an add cancelled by its removal is no longer counted.
            let report = s
                .enqueue(vec![
                    op("six", 20, OperationKind::Add),
                    op("six", 21, OperationKind::Add),
                    op("six", 22, OperationKind::Add),
                ])
                .await
                .expect("enqueue");
            assert_eq!(
                report
                    .flagged
                    .iter()
                    .map(|f| f.flag.as_str())
                    .collect::<Vec<_>>(),
                ["would be 9 of 8 members: 6 now, 2 add(s) already pending"]
            );
            let report = s
                .enqueue(vec![
                    op("six", 1, OperationKind::Remove),
                    op("six", 20, OperationKind::Remove),
                    op("six", 23, OperationKind::Add),
                ])
                .await
                .expect("enqueue");
            assert_eq!(report.flagged, [], "23 fits: 6 - 1 + 2 pending");
            assert_eq!(report.cancelled.len(), 1, "{report:?}");
        }

        #[tokio::test]
        async fn the_opposite_of_a_pending_change_cancels_it_where_the_group_already_is_so() {
            let (_g, s) = account().await;
            mirror(&s, "g", &[1]).await;
            let add2 = s
                .enqueue(vec![op("g", 2, OperationKind::Add)])
                .await
                .expect("add")
                .ids[0];
            let remove1 = s
                .enqueue(vec![op("g", 1, OperationKind::Remove)])
                .await
                .expect("remove")
                .ids[0];
            // A removal of 2 (not a member) withdraws the pending add, and is not stored; an
            // add of 1 (a member) withdraws the pending removal, and is not stored.
            let report = s
                .enqueue(vec![
                    op("g", 2, OperationKind::Remove),
                    op("g", 1, OperationKind::Add),
                ])
                .await
                .expect("opposites");
            assert_eq!((report.stored, report.duplicates), (0, 0), "{report:?}");
            assert_eq!(report.ids, [], "no operation stands for them");
            let withdrawn: Vec<(OpId, OperationKind)> = report
                .cancelled
                .iter()
                .map(|c| (c.withdrawn, c.withdrawn_kind))
                .collect();
            assert_eq!(
                withdrawn,
                [(add2, OperationKind::Add), (remove1, OperationKind::Remove)]
            );
            assert_eq!(report.cancelled[0].spec, op("g", 2, OperationKind::Remove));
            assert_eq!(pending(&s).await, [], "nothing left to send");
            // Where the mirror cannot tell (a group it does not know), the later still wins.
            s.enqueue(vec![op("h", 3, OperationKind::Add)])
                .await
                .expect("add");
            let report = s
                .enqueue(vec![op("h", 3, OperationKind::Remove)])
                .await
                .expect("remove");
            assert_eq!(
                (report.stored, report.replaced.len(), report.cancelled.len()),
                (1, 1, 0),
                "a group the mirror does not know"
            );
        }

        #[tokio::test]
        async fn ambiguous_numbers_and_gone_groups_are_flagged() {
            let (_g, s) = account().await;
            mirror(&s, "g", &[]).await;
            s.mark_gone_except(vec!["other".into()], 2)
                .await
                .expect("gone");
            let brazil = Participant::parse("+55 11 8765-4321", None).expect("old form");
            let report = s
                .enqueue(vec![OpSpec::for_participant(
                    OperationKind::Add,
                    "g",
                    brazil,
                )])
                .await
                .expect("enqueue");
            let flag = &report.flagged[0].flag;
            assert!(
                flag.starts_with("the group is gone from the mirror; Brazilian"),
                "{flag}"
            );
        }

        #[tokio::test]
        async fn a_dropped_import_stores_nothing_and_a_committed_one_everything() {
            let (_g, s) = account().await;
            let chunk = vec![
                op("g", 1, OperationKind::Add),
                op("g", 2, OperationKind::Add),
            ];
            let s2 = s.clone();
            let pushed = tokio::task::spawn_blocking(move || {
                let import = s2.begin_import().expect("begin");
                let pushed = import.push(chunk).expect("push");
                drop(import);
                pushed
            })
            .await
            .expect("thread");
            assert_eq!(pushed.len(), 2);
            assert!(pending(&s).await.is_empty(), "rolled back");
            let s2 = s.clone();
            tokio::task::spawn_blocking(move || {
                let import = s2.begin_import().expect("begin");
                import
                    .push(vec![op("g", 1, OperationKind::Add)])
                    .expect("push");
                import
                    .push(vec![op("g", 1, OperationKind::Add)])
                    .expect("push twice");
                import.commit().expect("commit");
            })
            .await
            .expect("thread");
            assert_eq!(pending(&s).await.len(), 1);
        }

        #[tokio::test]
        async fn accounts_do_not_share_queue_rules_or_rows() {
            let (_g, s) = account().await;
            let other = s
                .store()
                .account("https://graph.example", "2000")
                .await
                .expect("other");
            let add = op("g", 1, OperationKind::Add);
            s.enqueue(vec![add.clone()]).await.expect("a");
            let report = other.enqueue(vec![add]).await.expect("b");
            assert_eq!((report.stored, report.duplicates), (1, 0));
            let report = other
                .enqueue(vec![op("g", 1, OperationKind::Remove)])
                .await
                .expect("b remove");
            assert_eq!(report.replaced.len(), 1);
            assert_eq!(pending(&s).await[0].kind(), OperationKind::Add);
            let ids = pending(&s).await.iter().map(|o| o.id).collect::<Vec<_>>();
            assert!(matches!(
                other.claim(ids.clone(), "x".into()).await,
                Err(StoreError::NotFound(_))
            ));
            let report = other
                .drop_operations(DropScope::Ids(ids))
                .await
                .expect("drop");
            assert_eq!(report.dropped, 0);
            mirror(&s, "g", &[1]).await;
            assert!(other.group("g").await.expect("read").is_none());
            assert!(other.groups().await.expect("list").is_empty());
        }

        #[tokio::test]
        async fn claims_count_attempts_and_settlements_keep_errors() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g", &[0, 1, 2]).await;
            s.claim(ids.clone(), "attempt-1".into())
                .await
                .expect("claim");
            let op0 = get(&s, ids[0]).await;
            assert_eq!((op0.state, op0.attempts), (OperationState::Sending, 1));
            assert_eq!(op0.attempt_id.as_deref(), Some("attempt-1"));
            s.settle(Settlement {
                changes: vec![
                    change(ids[0], OperationState::Accepted, None, None),
                    change(
                        ids[1],
                        OperationState::Failed,
                        Some(131215),
                        Some("not eligible"),
                    ),
                ],
                request_id: Some("req-7".into()),
                ..Settlement::default()
            })
            .await
            .expect("settle");
            let failed = get(&s, ids[1]).await;
            assert_eq!(failed.state, OperationState::Failed);
            assert_eq!(failed.error_code, Some(131215));
            assert_eq!(failed.error_message.as_deref(), Some("not eligible"));
            assert_eq!(failed.request_id.as_deref(), Some("req-7"));
            s.settle(Settlement {
                changes: vec![change(ids[0], OperationState::Confirmed, None, None)],
                ..Settlement::default()
            })
            .await
            .expect("confirm");
            let done = get(&s, ids[0]).await;
            assert_eq!(done.state, OperationState::Confirmed);
            assert_eq!(done.request_id.as_deref(), Some("req-7"), "kept");
            assert_eq!(s.reset(vec![ids[1], ids[2]], None).await.expect("reset"), 2);
            s.claim(vec![ids[2]], "attempt-2".into())
                .await
                .expect("again");
            let again = get(&s, ids[2]).await;
            assert_eq!(
                (again.attempts, again.attempt_id.as_deref()),
                (2, Some("attempt-2"))
            );
            let retried = get(&s, ids[1]).await;
            assert_eq!(retried.state, OperationState::Pending);
            assert_eq!(retried.error_code, Some(131215), "last error kept");
            let counts = s.count_by_state().await.expect("counts");
            assert_eq!(counts[&OperationState::Pending], 1);
            assert_eq!(counts[&OperationState::Sending], 1);
            assert_eq!(counts[&OperationState::Confirmed], 1);
            assert_eq!(counts[&OperationState::Skipped], 0);
        }

        #[tokio::test]
        async fn moves_are_all_or_nothing_and_follow_the_table() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g", &[0, 1]).await;
            s.claim(ids[..1].to_vec(), "a".into()).await.expect("claim");
            let err = s
                .claim(ids.clone(), "b".into())
                .await
                .expect_err("one is sending");
            assert!(matches!(err, StoreError::WrongState { .. }), "{err}");
            assert_eq!(get(&s, ids[1]).await.state, OperationState::Pending);
            let bad = Settlement {
                changes: vec![
                    change(ids[0], OperationState::Confirmed, None, None),
                    change(OpId(999), OperationState::Confirmed, None, None),
                ],
                ..Settlement::default()
            };
            assert!(matches!(
                s.settle(bad).await,
                Err(StoreError::NotFound(OpId(999)))
            ));
            assert_eq!(get(&s, ids[0]).await.state, OperationState::Sending);
            let to_pending = Settlement {
                changes: vec![change(ids[0], OperationState::Pending, None, None)],
                ..Settlement::default()
            };
            assert!(matches!(
                s.settle(to_pending).await,
                Err(StoreError::BadTarget(_))
            ));
            let unsent = Settlement {
                changes: vec![change(ids[1], OperationState::Confirmed, None, None)],
                ..Settlement::default()
            };
            assert!(
                matches!(s.settle(unsent).await, Err(StoreError::WrongState { .. })),
                "nothing is confirmed unsent"
            );
            s.settle(Settlement {
                changes: vec![change(ids[0], OperationState::Accepted, None, None)],
                ..Settlement::default()
            })
            .await
            .expect("accepted");
            assert!(
                matches!(
                    s.reset(vec![ids[0]], None).await,
                    Err(StoreError::WrongState { .. })
                ),
                "what the server took is never put back"
            );
        }

        #[tokio::test]
        async fn a_retry_does_not_override_a_later_change() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g", &[0]).await;
            s.claim(ids.clone(), "a".into()).await.expect("claim");
            s.enqueue(vec![op("g", 0, OperationKind::Remove)])
                .await
                .expect("later remove");
            assert_eq!(s.reset(ids.clone(), None).await.expect("reset"), 0);
            let op = get(&s, ids[0]).await;
            assert_eq!(op.state, OperationState::Skipped);
            assert!(
                op.error_message
                    .as_deref()
                    .is_some_and(|m| m.contains("superseded")),
                "{op:?}"
            );
        }

        #[tokio::test]
        async fn filters_select_by_group_state_and_ids() {
            let (_g, s) = account().await;
            let a = queue(&s, "a", &[1, 2, 3]).await;
            let b = queue(&s, "b", &[1]).await;
            s.claim(a[..1].to_vec(), "t1".into()).await.expect("claim");
            let by = |filter: OperationFilter| {
                let s = s.clone();
                async move {
                    let ops = s.operations(filter).await.expect("list");
                    ops.iter().map(|o| o.id).collect::<Vec<_>>()
                }
            };
            assert_eq!(by(OperationFilter::default()).await.len(), 4);
            let pending_a = OperationFilter {
                group: Some("a".into()),
                state: Some(OperationState::Pending),
                ids: None,
            };
            assert_eq!(by(pending_a).await, a[1..].to_vec());
            let some = OperationFilter {
                ids: Some(vec![a[2], b[0], OpId(9_999)]),
                ..OperationFilter::default()
            };
            assert_eq!(by(some).await, vec![a[2], b[0]]);
        }

        /// A change's number names it for good: the ids of dropped changes, the last one's
        /// too, are never given to a change queued later.
        #[tokio::test]
        async fn an_operation_id_is_never_given_twice() {
            let (_g, s) = account().await;
            let first = queue(&s, "a", &[1, 2]).await;
            s.drop_operations(DropScope::Ids(vec![first[1]]))
                .await
                .expect("drop the last");
            let next = queue(&s, "a", &[3]).await;
            assert!(next[0] > first[1], "{next:?} after {first:?}");
            s.drop_operations(DropScope::All).await.expect("drop all");
            let after = queue(&s, "b", &[4]).await;
            assert!(after[0] > next[0], "{after:?} after {next:?}");
        }

        #[tokio::test]
        async fn drop_takes_only_pending_operations() {
            let (_g, s) = account().await;
            let a = queue(&s, "a", &[1, 2, 3]).await;
            queue(&s, "b", &[1, 2]).await;
            let c = queue(&s, "c", &[1, 2, 3, 4]).await;
            s.claim(vec![a[0]], "t1".into()).await.expect("claim");
            s.claim(c.clone(), "t2".into()).await.expect("claim");
            s.settle(Settlement {
                changes: vec![
                    change(c[0], OperationState::Accepted, None, None),
                    change(c[1], OperationState::Confirmed, None, None),
                    change(c[2], OperationState::Failed, None, Some("no")),
                    change(c[3], OperationState::Skipped, None, Some("member")),
                ],
                ..Settlement::default()
            })
            .await
            .expect("outcomes");
            let report = s
                .drop_operations(DropScope::Ids(vec![a[0], a[1], c[1]]))
                .await
                .expect("drop ids");
            assert_eq!(
                report,
                DropReport {
                    dropped: 1,
                    kept_in_flight: 1,
                    kept_finished: 1
                }
            );
            let report = s
                .drop_operations(DropScope::Group("b".into()))
                .await
                .expect("drop group");
            assert_eq!(
                report,
                DropReport {
                    dropped: 2,
                    kept_in_flight: 0,
                    kept_finished: 0
                }
            );
            let report = s.drop_operations(DropScope::All).await.expect("drop all");
            assert_eq!(
                report,
                DropReport {
                    dropped: 1,
                    kept_in_flight: 2,
                    kept_finished: 3
                }
            );
            assert_eq!(
                s.operations(OperationFilter::default())
                    .await
                    .expect("list")
                    .len(),
                5,
                "what is in flight and the history stay"
            );
        }

        #[tokio::test]
        async fn undo_withdraws_reverses_or_refuses() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g", &[1, 2, 3, 4]).await;
            let undone = s.undo(vec![ids[0]]).await;
            assert!(matches!(undone[0].1, Ok(Undone::Withdrawn)));
            s.claim(ids[1..].to_vec(), "t".into()).await.expect("claim");
            let undone = s.undo(vec![ids[1]]).await;
            assert!(matches!(undone[0].1, Err(StoreError::WrongState { .. })));
            s.settle(Settlement {
                changes: vec![
                    change(ids[1], OperationState::Confirmed, None, None),
                    change(ids[2], OperationState::Failed, Some(1), Some("x")),
                    change(ids[3], OperationState::Accepted, None, None),
                ],
                ..Settlement::default()
            })
            .await
            .expect("settle");
            let undone = s.undo(vec![ids[1], ids[2], ids[3]]).await;
            let Ok(Undone::Reversed(reverse)) = &undone[0].1 else {
                panic!("confirmed is reversed: {undone:?}");
            };
            assert_eq!(
                get(&s, *reverse).await.spec,
                op("g", 2, OperationKind::Remove)
            );
            assert!(matches!(
                undone[1].1,
                Ok(Undone::NothingToUndo(OperationState::Failed))
            ));
            assert!(matches!(undone[2].1, Ok(Undone::Reversed(_))));
            // Again: its reversal is pending already, and nothing new is queued.
            let again = s.undo(vec![ids[1]]).await;
            assert!(
                matches!(again[0].1, Ok(Undone::ReversalPending(id)) if id == *reverse),
                "{again:?}"
            );
            assert!(matches!(
                s.undo(vec![OpId(9_999)]).await[0].1,
                Err(StoreError::NotFound(_))
            ));
            // The reversal made: the add it followed is not reversed again.
            s.claim(vec![*reverse], "t2".into()).await.expect("claim");
            s.settle(Settlement {
                changes: vec![change(*reverse, OperationState::Confirmed, None, None)],
                ..Settlement::default()
            })
            .await
            .expect("settle");
            let before = pending(&s).await.len();
            let again = s.undo(vec![ids[1]]).await;
            assert!(
                matches!(again[0].1, Ok(Undone::FollowedBy(id)) if id == *reverse),
                "{again:?}"
            );
            assert_eq!(pending(&s).await.len(), before, "nothing queued");
        }

        #[tokio::test]
        async fn a_group_round_trips_and_upsert_replaces_members() {
            let (_g, s) = account().await;
            mirror(&s, "g1", &[1, 2]).await;
            mirror(&s, "g1", &[2, 3]).await;
            let got = s.group("g1").await.expect("read").expect("present");
            assert_eq!(got.members, vec![person(2).into(), person(3).into()]);
            assert_eq!(got.member_count, 2);
            assert_eq!(s.group("nope").await.expect("read"), None);
        }

        #[tokio::test]
        async fn groups_missing_from_a_complete_list_are_marked_gone_not_deleted() {
            let (_g, s) = account().await;
            mirror(&s, "g1", &[1]).await;
            mirror(&s, "g2", &[2]).await;
            assert_eq!(
                s.mark_gone_except(vec!["g1".into()], 5_000)
                    .await
                    .expect("mark"),
                1
            );
            let g2 = s.group("g2").await.expect("read").expect("kept");
            assert_eq!(g2.gone_at, Some(5_000));
            assert_eq!(g2.members, vec![person(2).into()]);
            assert_eq!(
                s.mark_gone_except(vec!["g1".into()], 6_000)
                    .await
                    .expect("again"),
                0
            );
            assert_eq!(
                s.group("g2").await.expect("read").expect("kept").gone_at,
                Some(5_000)
            );
            s.mark_gone_except(vec!["g1".into(), "g2".into()], 7_000)
                .await
                .expect("back");
            assert_eq!(
                s.group("g2").await.expect("read").expect("kept").gone_at,
                None
            );
        }

        #[tokio::test]
        async fn a_failure_queued_again_is_no_longer_counted_as_failed() {
            let (_g, s) = account().await;
            mirror(&s, "g1", &[1]).await;
            let ids = queue(&s, "g1", &[5, 6]).await;
            s.claim(ids.clone(), "t".into()).await.expect("claim");
            s.settle(Settlement {
                changes: ids
                    .iter()
                    .map(|id| change(*id, OperationState::Failed, None, Some("no")))
                    .collect(),
                ..Settlement::default()
            })
            .await
            .expect("settle");
            let failed = |s: &AccountStore| {
                let s = s.clone();
                async move {
                    let counts = s.count_by_state().await.expect("counts");
                    let list = s.groups().await.expect("list");
                    let g1 = list.iter().find(|g| g.id == "g1").expect("g1").failed;
                    (counts[&OperationState::Failed], g1)
                }
            };
            assert_eq!(failed(&s).await, (2, 2));
            // One queued again (as a retry does: the same change, a new pending row).
            let again = s.enqueue(vec![op("g1", 5, OperationKind::Add)]).await;
            assert_eq!(again.expect("retry").stored, 1);
            assert_eq!(failed(&s).await, (1, 1), "the retried failure is history");
            assert_eq!(
                s.count_by_state().await.expect("counts")[&OperationState::Pending],
                1
            );
            assert_eq!(get(&s, ids[0]).await.state, OperationState::Failed, "kept");
        }

        #[tokio::test]
        async fn the_group_list_counts_pending_and_failed_and_finds_members() {
            let (_g, s) = account().await;
            mirror(&s, "g1", &[1, 2]).await;
            mirror(&s, "g2", &[2]).await;
            let ids = queue(&s, "g1", &[5, 6]).await;
            s.claim(vec![ids[0]], "t".into()).await.expect("claim");
            s.settle(Settlement {
                changes: vec![change(ids[0], OperationState::Failed, None, Some("no"))],
                ..Settlement::default()
            })
            .await
            .expect("settle");
            let list = s.groups().await.expect("list");
            let g1 = list.iter().find(|g| g.id == "g1").expect("g1");
            assert_eq!((g1.pending, g1.failed, g1.member_count), (1, 1, 2));
            let with = s
                .groups_with_member(&Query::Phone(person(2)))
                .await
                .expect("with");
            assert_eq!(
                with.iter().map(|(g, _)| g.id.as_str()).collect::<Vec<_>>(),
                ["g1", "g2"]
            );
            assert!(
                s.groups_with_member(&Query::Phone(person(9)))
                    .await
                    .expect("none")
                    .is_empty()
            );
        }

        /// A person search's pending adds: by phone, BSUID or username (any case), only
        /// adds still pending, each with its group, oldest first.
        #[tokio::test]
        async fn pending_adds_are_found_by_phone_bsuid_or_username() {
            let (_g, s) = account().await;
            let known = Person::known(Some(person(7)), UserId::parse("US.7").ok())
                .expect("known")
                .with_username(Some("Ana.K".into()));
            let ids = s
                .enqueue(vec![
                    op("g1", 5, OperationKind::Add),
                    op("g2", 5, OperationKind::Add),
                    op("g3", 5, OperationKind::Remove),
                    op("g1", 6, OperationKind::Add),
                    OpSpec::for_person(OperationKind::Add, "g4", known).expect("an add"),
                ])
                .await
                .expect("enqueue")
                .ids;
            let found = |query: Query| {
                let s = s.clone();
                async move { s.pending_adds_of(&query).await.expect("adds") }
            };
            assert_eq!(
                found(Query::Phone(person(5))).await,
                vec![("g1".to_owned(), ids[0]), ("g2".to_owned(), ids[1])]
            );
            let g4 = vec![("g4".to_owned(), ids[4])];
            let bsuid = Query::User(UserId::parse("US.7").expect("bsuid"));
            assert_eq!(found(bsuid).await, g4);
            assert_eq!(found(Query::username("@ana.k").expect("name")).await, g4);
            s.claim(vec![ids[0]], "t".into()).await.expect("claim");
            assert_eq!(
                found(Query::Phone(person(5))).await,
                vec![("g2".to_owned(), ids[1])],
                "one being sent is no longer pending"
            );
        }

        #[tokio::test]
        async fn an_outcome_settled_after_its_answer_names_the_answers_request_id() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g1", &[1, 2]).await;
            s.claim(ids.clone(), "t".into()).await.expect("claim");
            s.settle(Settlement {
                changes: vec![change(ids[0], OperationState::Accepted, None, None)],
                request_id: Some("req-7".into()),
                outcomes: Vec::new(),
                exchange: None,
                mirror: Vec::new(),
            })
            .await
            .expect("accepted");
            // Settled by a read: the verdict names no request id of its own.
            let read = |id: OpId, state| Outcome {
                request_id: None,
                result: state,
                ..outcome(id)
            };
            s.settle(Settlement {
                changes: vec![
                    change(ids[0], OperationState::Confirmed, None, None),
                    change(
                        ids[1],
                        OperationState::Failed,
                        Some(2),
                        Some("never answered"),
                    ),
                ],
                request_id: None,
                outcomes: vec![
                    read(ids[0], OperationState::Confirmed),
                    read(ids[1], OperationState::Failed),
                ],
                exchange: None,
                mirror: Vec::new(),
            })
            .await
            .expect("settled by a read");
            let got: Vec<Option<String>> = s
                .outcomes()
                .await
                .expect("list")
                .into_iter()
                .map(|o| o.outcome.request_id)
                .collect();
            // The answered one names its request; the one never answered names none.
            assert_eq!(got, vec![Some("req-7".to_owned()), None]);
        }

        #[tokio::test]
        async fn exchanges_and_outcomes_round_trip_and_settle_together() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g1", &[1]).await;
            s.claim(ids.clone(), "t".into()).await.expect("claim");
            let sent = Exchange {
                status: Some(206),
                graph_code: Some(131201),
                request_id: Some("req-1".into()),
                ..exchange()
            };
            let outcome = Outcome {
                at: 1,
                group_id: "g1".into(),
                participant: person(1).e164().into(),
                username: Some("ana.k".into()),
                action: OperationKind::Add,
                result: OperationState::Failed,
                code: Some(131203),
                message: Some("terms not accepted".into()),
                request_id: Some("req-1".into()),
                operation_id: Some(ids[0]),
            };
            s.settle(Settlement {
                changes: vec![change(
                    ids[0],
                    OperationState::Failed,
                    Some(131203),
                    Some("terms"),
                )],
                request_id: Some("req-1".into()),
                outcomes: vec![outcome.clone()],
                exchange: Some(sent.clone()),
                mirror: Vec::new(),
            })
            .await
            .expect("settle");
            s.audit(exchange()).await.expect("audit");
            let listed = s.exchanges().await.expect("list");
            assert_eq!(listed.len(), 2);
            assert_eq!(listed[0].exchange, sent);
            assert_eq!(s.outcomes().await.expect("list")[0].outcome, outcome);
            let other = s
                .store()
                .account("https://graph.example", "9")
                .await
                .expect("other");
            assert!(other.exchanges().await.expect("list").is_empty());
            assert!(other.outcomes().await.expect("list").is_empty());
        }

        #[tokio::test]
        async fn the_latest_outcomes_are_the_newest_oldest_first() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g1", &[1, 2, 3]).await;
            s.claim(ids.clone(), "t".into()).await.expect("claim");
            for (n, id) in ids.iter().enumerate() {
                let outcome = Outcome {
                    at: n as i64,
                    group_id: "g1".into(),
                    participant: person(n as u32 + 1).e164().into(),
                    username: None,
                    action: OperationKind::Add,
                    result: OperationState::Confirmed,
                    code: None,
                    message: None,
                    request_id: None,
                    operation_id: Some(*id),
                };
                s.settle(Settlement {
                    changes: vec![change(*id, OperationState::Confirmed, None, None)],
                    request_id: None,
                    outcomes: vec![outcome],
                    exchange: None,
                    mirror: Vec::new(),
                })
                .await
                .expect("settle");
            }
            let at = |records: Vec<crate::store::OutcomeRecord>| -> Vec<i64> {
                records.into_iter().map(|r| r.outcome.at).collect()
            };
            assert_eq!(at(s.latest_outcomes(2).await.expect("latest")), [1, 2]);
            assert_eq!(at(s.latest_outcomes(10).await.expect("latest")), [0, 1, 2]);
            assert_eq!(at(s.outcomes().await.expect("all")), [0, 1, 2]);
        }

        #[tokio::test]
        async fn a_failed_settlement_changes_nothing_and_other_calls_go_on() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g", &[1, 2]).await;
            s.claim(ids.clone(), "t".into()).await.expect("claim");
            // Many calls at once: each is committed or refused on its own.
            let mut calls = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                let s = s.clone();
                let id = *id;
                calls.push(tokio::spawn(async move {
                    let target = if i == 0 {
                        OperationState::Confirmed
                    } else {
                        OperationState::Pending
                    };
                    s.settle(Settlement {
                        changes: vec![change(id, target, None, None)],
                        exchange: Some(exchange()),
                        ..Settlement::default()
                    })
                    .await
                }));
            }
            let mut results = Vec::new();
            for call in calls {
                results.push(call.await.expect("task"));
            }
            assert!(results[0].is_ok());
            assert!(matches!(results[1], Err(StoreError::BadTarget(_))));
            assert_eq!(
                get(&s, ids[1]).await.state,
                OperationState::Sending,
                "untouched"
            );
            assert_eq!(
                s.exchanges().await.expect("list").len(),
                1,
                "the refused one's exchange is not kept"
            );
        }

        #[tokio::test]
        async fn the_change_feed_moves_after_a_change() {
            let (_g, s) = account().await;
            let mut changes = s.store().changes();
            let before = *changes.borrow_and_update();
            s.enqueue(vec![op("g", 1, OperationKind::Add)])
                .await
                .expect("enqueue");
            changes.changed().await.expect("feed");
            assert_ne!(*changes.borrow(), before);
        }

        #[tokio::test]
        async fn events_are_kept_once_per_account_and_key() {
            let (_g, s) = account().await;
            let store = s.store().clone();
            let batch = |number: &str, keys: &[&str]| NumberBatch {
                phone_number_id: number.into(),
                events: keys.iter().map(|k| new_event(k, "g", None)).collect(),
            };
            let got = store
                .receive_events(
                    "https://graph.example",
                    vec![batch("1000", &["a", "b"]), batch("2", &["a"])],
                )
                .await
                .expect("receive");
            assert_eq!(got[0].0, s.id(), "stored under the number's account");
            assert_ne!(got[1].0, s.id(), "another number is another account");
            assert_eq!((got[0].1.new, got[0].1.repeated), (2, 0));
            let again = store
                .receive_events("https://graph.example/", vec![batch("1000", &["b", "c"])])
                .await
                .expect("again");
            assert_eq!((again[0].1.new, again[0].1.repeated), (1, 1));
            let all = s.events(EventFilter::default()).await.expect("events");
            assert_eq!(all.len(), 3, "each event once");
            let b = all.iter().find(|r| r.event.subject.as_deref() == Some("b"));
            assert_eq!(b.map(|r| r.deliveries), Some(2));
            assert_eq!(s.unprocessed_events(10).await.expect("open").len(), 3);
            assert_eq!(
                store
                    .numbers_with_unprocessed_events("https://graph.example")
                    .await
                    .expect("numbers")
                    .len(),
                2
            );
        }

        #[tokio::test]
        async fn an_event_settles_only_what_still_waits_and_moves_members_in_order() {
            let (_g, s) = account().await;
            mirror(&s, "g", &[1]).await;
            let ids = queue(&s, "g", &[2, 3]).await;
            s.claim(ids.clone(), "a".into()).await.expect("claim");
            s.settle(Settlement {
                changes: vec![
                    change(ids[0], OperationState::Accepted, None, None),
                    change(ids[1], OperationState::Accepted, None, None),
                ],
                request_id: Some("RQ-1".into()),
                ..Settlement::default()
            })
            .await
            .expect("accepted");
            assert_eq!(
                s.operations_with_request_id("RQ-1")
                    .await
                    .expect("by id")
                    .len(),
                2
            );
            // A read settles the second first.
            let moved = s
                .settle_open(Settlement {
                    changes: vec![change(ids[1], OperationState::Confirmed, None, None)],
                    ..Settlement::default()
                })
                .await
                .expect("read");
            assert_eq!(moved, vec![ids[1]]);
            let store = s.store().clone();
            store
                .receive_events(
                    "https://graph.example",
                    vec![NumberBatch {
                        phone_number_id: "1000".into(),
                        events: vec![new_event("e", "g", Some("RQ-1"))],
                    }],
                )
                .await
                .expect("receive");
            let record = s.unprocessed_events(1).await.expect("open").remove(0);
            let confirm = |id| {
                let c = change(id, OperationState::Confirmed, None, None);
                let o = outcome(id);
                (c, o)
            };
            let member = |n: u32, joined: bool, at: i64| MemberChange {
                group_id: "g".into(),
                person: person(n).into(),
                joined,
                at,
            };
            let effects = s
                .apply_event(EventApplication {
                    event_id: record.id,
                    settle: vec![confirm(ids[0]), confirm(ids[1])],
                    members: vec![member(2, true, 5_000), member(1, false, 5_000)],
                    first: true,
                    ..EventApplication::default()
                })
                .await
                .expect("apply");
            let settled: Vec<OpId> = effects.operations.iter().map(|o| o.id).collect();
            assert_eq!(
                settled,
                vec![ids[0]],
                "the one a read settled is left as it was"
            );
            assert_eq!(get(&s, ids[0]).await.state, OperationState::Confirmed);
            assert_eq!(
                s.outcomes().await.expect("outcomes").len(),
                1,
                "one outcome each"
            );
            assert_eq!(effects.joined, vec![person(2).e164().to_owned()]);
            assert_eq!(effects.left, vec![person(1).e164().to_owned()]);
            let g = s.group("g").await.expect("group").expect("in the mirror");
            assert_eq!(
                (g.members.clone(), g.member_count),
                (vec![person(2).into()], 1)
            );
            // An older event about the same member, arriving late, changes nothing.
            let late = received(&s, "late").await;
            let effects = s
                .apply_event(EventApplication {
                    event_id: late.id,
                    members: vec![member(2, false, 4_000)],
                    first: true,
                    ..EventApplication::default()
                })
                .await
                .expect("late apply");
            assert!(
                effects.left.is_empty() && effects.notes.len() == 1,
                "{effects:?}"
            );
            let g = s.group("g").await.expect("group").expect("in the mirror");
            assert_eq!(g.members, vec![Person::from(person(2))]);
            let seqs: Vec<Option<i64>> = s
                .events(EventFilter::default())
                .await
                .expect("events")
                .iter()
                .map(|r| r.seq)
                .collect();
            assert_eq!(seqs, vec![Some(1), Some(2)]);
            assert_eq!(s.latest_event_seq().await.expect("seq"), Some(2));
            let after = s
                .events(EventFilter {
                    after_seq: Some(1),
                    ..EventFilter::default()
                })
                .await
                .expect("after");
            assert_eq!(after.len(), 1);
            assert!(s.unprocessed_events(5).await.expect("none").is_empty());
        }

        /// A join naming a member by keys the mirror holds apart (their BSUID on one row,
        /// their number on another, as an add by phone of someone known by BSUID once left
        /// them) makes them one member with every key, and the count follows.
        #[tokio::test]
        async fn a_join_that_ties_a_number_to_a_bsuid_makes_one_member() {
            let (_g, s) = account().await;
            let by_phone: Person = person(1).into();
            mirror_people(&s, "g", vec![hidden(1), by_phone, person(2).into()]).await;
            let record = received(&s, "tie").await;
            let both = Person::known(Some(person(1)), UserId::parse("US.1").ok()).expect("both");
            let effects = s
                .apply_event(EventApplication {
                    event_id: record.id,
                    members: vec![MemberChange {
                        group_id: "g".into(),
                        person: both.clone(),
                        joined: true,
                        at: 5_000,
                    }],
                    first: true,
                    ..EventApplication::default()
                })
                .await
                .expect("apply");
            assert!(effects.joined.is_empty(), "no one new: {effects:?}");
            assert!(
                effects.notes.iter().any(|n| n.contains("already a member, shown as")),
                "{effects:?}"
            );
            let g = s.group("g").await.expect("group").expect("in the mirror");
            let merged = both.with_username(Some("user.1".into()));
            assert_eq!(g.members.len(), 2, "{:?}", g.members);
            assert!(g.members.contains(&merged), "{:?}", g.members);
            assert_eq!(g.member_count, 2);
        }

        #[tokio::test]
        async fn an_event_keeps_join_requests_suspension_settings_and_new_groups() {
            let (_g, s) = account().await;
            mirror(&s, "g", &[1]).await;
            let apply = |key: &'static str, groups: Vec<GroupChange>| {
                let s = s.clone();
                async move {
                    let record = received(&s, key).await;
                    s.apply_event(EventApplication {
                        event_id: record.id,
                        groups,
                        first: true,
                        ..EventApplication::default()
                    })
                    .await
                    .expect("apply")
                }
            };
            let asked = |id: &str, who: Person| {
                GroupChange::JoinRequestOpened(StoredJoinRequest {
                    group_id: "g".into(),
                    join_request_id: id.into(),
                    person: Some(who),
                    created_at: Some(5_000),
                    read_at: 5_000,
                })
            };
            let link = "https://chat.whatsapp.com/AbCdEf123456";
            apply(
                "a",
                vec![
                    asked("J1", hidden(7)),
                    asked("J2", person(3).into()),
                    GroupChange::Suspended {
                        id: "g".into(),
                        suspended: true,
                        at: 5_000,
                    },
                    GroupChange::Settings {
                        id: "g".into(),
                        subject: Some("Renamed".into()),
                        description: Some("Weekly".into()),
                        at: 5_000,
                    },
                    GroupChange::Created {
                        id: "new".into(),
                        subject: "Made".into(),
                        description: None,
                        invite_link: Some(link.into()),
                        join_approval_mode: Some(crate::domain::JoinApprovalMode::ApprovalRequired),
                        at: 5_000,
                    },
                ],
            )
            .await;
            let pending = s.join_requests(Some("g")).await.expect("requests");
            let askers: Vec<String> = pending.iter().map(|r| r.label()).collect();
            assert_eq!(askers, ["US.7 @user.7", "+12122000003"]);
            let g = s.group("g").await.expect("read").expect("kept");
            assert_eq!(
                (g.subject.as_str(), g.about.description.as_deref()),
                ("Renamed", Some("Weekly"))
            );
            assert!(g.about.suspended);
            let made = s.group("new").await.expect("read").expect("made");
            assert_eq!(made.about.invite_link.as_deref(), Some(link));
            assert_eq!(
                made.about.join_approval_mode,
                Some(crate::domain::JoinApprovalMode::ApprovalRequired)
            );
            // One withdrew (by id); the other is in (by person): none pending; lifted.
            apply(
                "b",
                vec![
                    GroupChange::JoinRequestClosed {
                        group_id: "g".into(),
                        join_request_id: Some("J1".into()),
                        person: None,
                        at: 6_000,
                    },
                    GroupChange::JoinRequestClosed {
                        group_id: "g".into(),
                        join_request_id: None,
                        person: Some(person(3).into()),
                        at: 6_000,
                    },
                    GroupChange::Suspended {
                        id: "g".into(),
                        suspended: false,
                        at: 6_000,
                    },
                ],
            )
            .await;
            assert!(s.join_requests(Some("g")).await.expect("none").is_empty());
            let suspended = || async {
                let g = s.group("g").await.expect("read").expect("kept");
                g.about.suspended
            };
            assert!(!suspended().await);
            // A read newer than an event wins: the late event is noted, not applied.
            let mut read = s.group("g").await.expect("read").expect("kept");
            read.read_at = 60_000;
            s.upsert_groups(vec![read]).await.expect("read again");
            let effects = apply(
                "c",
                vec![GroupChange::Suspended {
                    id: "g".into(),
                    suspended: true,
                    at: 7_000,
                }],
            )
            .await;
            assert_eq!(effects.notes.len(), 1, "{effects:?}");
            assert!(!suspended().await);
        }

        #[tokio::test]
        async fn an_answer_is_told_whether_events_that_may_settle_it_came_first() {
            let (_g, s) = account().await;
            let ids = queue(&s, "g", &[2]).await;
            s.claim(ids.clone(), "a".into()).await.expect("claim");
            let probe = |request_id: Option<&str>, group: Option<&str>, since: i64| EventProbe {
                request_id: request_id.map(str::to_owned),
                group: group.map(str::to_owned),
                since,
            };
            let answered = s
                .settle_answer(
                    Settlement {
                        changes: vec![change(ids[0], OperationState::Accepted, None, None)],
                        request_id: Some("RQ-1".into()),
                        ..Settlement::default()
                    },
                    probe(Some("RQ-1"), Some("g"), 0),
                )
                .await
                .expect("answer");
            assert_eq!(
                answered,
                SettledAnswer {
                    moved: ids.clone(),
                    events_waiting: false
                },
                "no event stored yet"
            );
            assert_eq!(get(&s, ids[0]).await.state, OperationState::Accepted);
            s.store()
                .receive_events(
                    "https://graph.example",
                    vec![NumberBatch {
                        phone_number_id: "1000".into(),
                        events: vec![new_event("e", "g2", Some("RQ-2"))],
                    }],
                )
                .await
                .expect("receive");
            let now = now_ms();
            for (request_id, group, since, waiting) in [
                (Some("RQ-2"), None, 0, true),
                (Some("RQ-9"), Some("g2"), now - 60_000, true),
                (None, Some("g2"), now - 60_000, true),
                (Some("RQ-9"), Some("g2"), now + 60_000, false),
                (Some("RQ-9"), Some("g3"), 0, false),
                (None, None, 0, false),
            ] {
                let told = s
                    .settle_answer(Settlement::default(), probe(request_id, group, since))
                    .await
                    .expect("probe");
                assert_eq!(
                    told.events_waiting, waiting,
                    "{request_id:?} {group:?} since {since}"
                );
            }
        }

        #[tokio::test]
        async fn the_target_diff_reads_the_mirror() {
            let (_g, s) = account().await;
            mirror(&s, "g", &[1, 2]).await;
            let mut target = TargetMembership::default();
            target.add_member("g", person(2).into());
            target.add_member("g", person(3).into());
            target.add_member("unknown", person(1).into());
            let diff = s.diff_target(&target).await.expect("diff");
            assert_eq!(diff.adds, vec![("g".to_owned(), person(3).into())]);
            assert_eq!(diff.removes, vec![("g".to_owned(), person(1).into())]);
            assert_eq!(diff.unknown_groups, vec!["unknown".to_owned()]);
        }

        #[tokio::test]
        async fn the_mirror_keeps_a_groups_settings_link_and_join_requests() {
            let (_g, s) = account().await;
            let mut group = MirrorGroup {
                id: "g".into(),
                subject: "Cohort".into(),
                members: vec![person(1).into()],
                member_count: 1,
                read_at: 5,
                gone_at: None,
                about: GroupAbout {
                    description: Some("Weekly".into()),
                    join_approval_mode: Some(crate::domain::JoinApprovalMode::ApprovalRequired),
                    suspended: true,
                    created_at: Some(1_700_000_000_000),
                    invite_link: None,
                    invite_link_read_at: None,
                },
            };
            s.upsert_groups(vec![group.clone()]).await.expect("upsert");
            s.set_invite_link("g", Some("https://chat.whatsapp.com/A1".into()), 7)
                .await
                .expect("link");
            // A later read (which carries no link) keeps the link.
            group.read_at = 9;
            s.upsert_groups(vec![group.clone()]).await.expect("again");
            let kept = s.group("g").await.expect("read").expect("there");
            assert_eq!(kept.about.description.as_deref(), Some("Weekly"));
            assert!(kept.about.suspended);
            assert_eq!(kept.about.created_at, Some(1_700_000_000_000));
            assert_eq!(
                kept.about.invite_link.as_deref(),
                Some("https://chat.whatsapp.com/A1")
            );
            assert_eq!(kept.about.invite_link_read_at, Some(7));
            // A phone shown, a phone hidden (BSUID, parent BSUID, username), no one named.
            let shown = Person::known(Some(person(2)), UserId::parse("US.2").ok());
            let hidden_asker = hidden(3)
                .with_parent_user_id(UserId::parse("US.300").ok())
                .with_username(Some("nora_b7".into()));
            let asked = |id: &str, person: Option<Person>| StoredJoinRequest {
                group_id: "g".into(),
                join_request_id: id.into(),
                person,
                created_at: Some(1),
                read_at: 8,
            };
            s.set_join_requests(
                "g",
                vec![asked("J1", shown.clone()), asked("J2", shown.clone())],
                8,
            )
            .await
            .expect("requests");
            let now = vec![
                asked("J2", shown.clone()),
                asked("J3", Some(hidden_asker.clone())),
                asked("J4", None),
            ];
            s.set_join_requests("g", now.clone(), 9)
                .await
                .expect("replaced");
            let read = s.join_requests(Some("g")).await.expect("read");
            let ids: Vec<&str> = read.iter().map(|r| r.join_request_id.as_str()).collect();
            assert_eq!(
                ids,
                ["J2", "J3", "J4"],
                "a read replaces the group's requests"
            );
            let people: Vec<Option<Person>> = read.iter().map(|r| r.person.clone()).collect();
            assert_eq!(
                people,
                [shown, Some(hidden_asker), None],
                "every key of each asker kept"
            );
            assert_eq!(read[1].label(), "US.3 @nora_b7");
            assert_eq!(read[2].label(), "request J4");
            let listed = s.groups().await.expect("list");
            assert_eq!((listed[0].join_requests, listed[0].suspended), (3, true));
            assert_eq!(
                s.mark_groups_gone(vec!["g".into()], 10)
                    .await
                    .expect("gone"),
                1
            );
            assert!(s.join_requests(None).await.expect("read").is_empty());
            assert_eq!(
                s.group("g").await.expect("read").expect("kept").gone_at,
                Some(10)
            );
        }

        #[tokio::test]
        async fn a_settlement_names_a_creates_group_keeps_its_request_id_and_changes_the_mirror() {
            let (_g, s) = account().await;
            mirror(&s, "g", &[]).await;
            mirror(&s, "g2", &[]).await;
            s.set_join_requests(
                "g",
                vec![StoredJoinRequest {
                    group_id: "g".into(),
                    join_request_id: "J1".into(),
                    person: None,
                    created_at: None,
                    read_at: 1,
                }],
                1,
            )
            .await
            .expect("requests");
            let create = OpSpec::Create {
                group: None,
                new: crate::domain::NewGroup {
                    subject: "New".into(),
                    description: None,
                    join_approval_mode: Default::default(),
                },
            };
            let id = s.enqueue(vec![create]).await.expect("enqueue").ids[0];
            s.claim(vec![id], "a-1".into()).await.expect("claim");
            s.settle(Settlement {
                changes: vec![StateChange {
                    id,
                    state: OperationState::Confirmed,
                    code: None,
                    message: None,
                    group: Some("MADE".into()),
                }],
                request_id: Some("RQ-1".into()),
                mirror: vec![
                    MirrorChange::InviteLink {
                        group: "g".into(),
                        link: Some("https://chat.whatsapp.com/B2".into()),
                    },
                    MirrorChange::JoinRequestsAnswered {
                        group: "g".into(),
                        ids: vec!["J1".into()],
                    },
                    MirrorChange::Gone { group: "g2".into() },
                ],
                ..Settlement::default()
            })
            .await
            .expect("settle");
            let made = get(&s, id).await;
            assert_eq!(made.group(), Some("MADE"));
            assert_eq!(made.request_id.as_deref(), Some("RQ-1"));
            let by_request = s.operations_with_request_id("RQ-1").await.expect("found");
            assert_eq!(by_request.iter().map(|o| o.id).collect::<Vec<_>>(), [id]);
            assert!(
                s.operations_with_request_id("other")
                    .await
                    .expect("none")
                    .is_empty()
            );
            assert!(s.created_groups().await.expect("made").contains("MADE"));
            let g = s.group("g").await.expect("read").expect("there");
            assert_eq!(
                g.about.invite_link.as_deref(),
                Some("https://chat.whatsapp.com/B2")
            );
            assert!(s.join_requests(Some("g")).await.expect("read").is_empty());
            let gone = s.group("g2").await.expect("read").expect("there");
            assert!(
                gone.gone_at.is_some(),
                "an answer that the group does not exist marks it gone"
            );
        }

        #[tokio::test]
        async fn members_keep_every_key_and_are_found_by_phone_form_bsuid_or_username() {
            let (_g, s) = account().await;
            let known = Person::known(Some(person(1)), UserId::parse("US.1").ok())
                .expect("known")
                .with_parent_user_id(UserId::parse("US.100").ok())
                .with_username(Some("Ana.K".into()));
            let br = Participant::from_wa_id("551187654321").expect("old form");
            let members = vec![known.clone(), hidden(2), Person::by_phone(br)];
            mirror_people(&s, "g1", members.clone()).await;
            mirror_people(&s, "g2", vec![hidden(2)]).await;
            let got = s.group("g1").await.expect("read").expect("present");
            assert_eq!(got.members.len(), 3);
            for member in &members {
                assert!(got.members.contains(member), "{member:?} kept whole");
            }
            let groups_of = |query: Query| {
                let s = s.clone();
                async move {
                    s.groups_with_member(&query)
                        .await
                        .expect("search")
                        .into_iter()
                        .map(|(g, m)| (g.id, m))
                        .collect::<Vec<_>>()
                }
            };
            let ninth = Participant::from_wa_id("5511987654321").expect("with the ninth digit");
            assert_eq!(
                groups_of(Query::Phone(ninth)).await,
                vec![(
                    "g1".to_owned(),
                    Person::by_phone(Participant::from_wa_id("551187654321").expect("wa_id"))
                )],
                "the other form of the number finds the member as the group holds them"
            );
            let by_bsuid = Query::User(UserId::parse("US.2").expect("bsuid"));
            assert_eq!(
                groups_of(by_bsuid).await,
                vec![("g1".to_owned(), hidden(2)), ("g2".to_owned(), hidden(2))]
            );
            let by_name = Query::username("@ana.k").expect("a username");
            assert_eq!(groups_of(by_name).await, vec![("g1".to_owned(), known)]);
            assert!(
                groups_of(Query::username("ana").expect("name"))
                    .await
                    .is_empty()
            );
        }

        #[tokio::test]
        async fn a_removal_may_name_a_bsuid_and_is_read_back_whole() {
            let (_g, s) = account().await;
            let removal = OpSpec::for_person(OperationKind::Remove, "g", hidden(7))
                .expect("a removal by BSUID");
            let report = s.enqueue(vec![removal.clone()]).await.expect("enqueue");
            assert_eq!(report.stored, 1);
            assert_eq!(get(&s, report.ids[0]).await.spec, removal);
            let again = s.enqueue(vec![removal]).await.expect("again");
            assert_eq!(again.duplicates, 1);
            // Confirmed, it cannot be undone: an add needs the phone number.
            s.claim(report.ids.clone(), "t".into())
                .await
                .expect("claim");
            s.settle(Settlement {
                changes: vec![change(report.ids[0], OperationState::Confirmed, None, None)],
                ..Settlement::default()
            })
            .await
            .expect("confirm");
            let undone = s.undo(report.ids.clone()).await;
            let Err(StoreError::WrongState { wanted, .. }) = &undone[0].1 else {
                panic!("refused: {undone:?}");
            };
            assert!(wanted.contains("known only by BSUID"), "{wanted}");
        }

        #[tokio::test]
        async fn one_person_in_two_forms_or_by_phone_and_bsuid_holds_one_slot() {
            let (_g, s) = account().await;
            let phone = |wa_id: &str| Participant::from_wa_id(wa_id).expect("wa_id");
            for (a, b) in [
                ("551187654321", "5511987654321"),
                ("5215512345678", "525512345678"),
                ("541123456789", "5491123456789"),
            ] {
                let first = OpSpec::for_participant(OperationKind::Remove, "g", phone(a));
                let second = OpSpec::for_participant(OperationKind::Remove, "g", phone(b));
                let report = s.enqueue(vec![first, second]).await.expect("enqueue");
                assert_eq!((report.stored, report.duplicates), (1, 1), "{a} {b}");
                let add = OpSpec::for_participant(OperationKind::Add, "g", phone(b));
                let report = s.enqueue(vec![add]).await.expect("opposite");
                assert_eq!(report.replaced.len(), 1, "{a} {b}: the later wins");
            }
            // A member the mirror knows by both keys: named by BSUID, it holds the phone's
            // slot and is shown with what the mirror knows.
            let member = Person::known(Some(person(4)), UserId::parse("US.4").ok())
                .expect("known")
                .with_username(Some("dee".into()));
            mirror_people(&s, "m", vec![member.clone()]).await;
            let by_bsuid = OpSpec::for_person(
                OperationKind::Remove,
                "m",
                Person::by_user_id(UserId::parse("US.4").expect("bsuid")),
            )
            .expect("spec");
            let report = s
                .enqueue(vec![by_bsuid, op("m", 4, OperationKind::Remove)])
                .await
                .expect("enqueue");
            assert_eq!((report.stored, report.duplicates), (1, 1));
            let stored = get(&s, report.ids[0]).await;
            assert_eq!(stored.person(), Some(&member));
            assert_eq!(stored.spec.person_label(), "+12122000004 @dee");
            assert_eq!(stored.flag, None, "a member: no flag");
        }

        #[tokio::test]
        async fn a_target_listing_a_member_in_the_other_form_changes_nothing() {
            let (_g, s) = account().await;
            let phone =
                |wa_id: &str| Person::by_phone(Participant::from_wa_id(wa_id).expect("wa_id"));
            mirror_people(&s, "mx", vec![phone("5215512345678"), hidden(3)]).await;
            let mut target = TargetMembership::default();
            target.add_member("mx", phone("525512345678"));
            target.add_member(
                "mx",
                Person::by_user_id(UserId::parse("US.3").expect("bsuid")),
            );
            let diff = s.diff_target(&target).await.expect("diff");
            assert!(diff.is_empty(), "{diff:?}");
            assert!(diff.operations().is_empty());
        }
    };
}

fn op(group: &str, n: u32, kind: OperationKind) -> OpSpec {
    OpSpec::for_participant(kind, group, person(n))
}

fn change(
    id: OpId,
    state: OperationState,
    code: Option<i64>,
    message: Option<&str>,
) -> StateChange {
    StateChange {
        id,
        state,
        code,
        message: message.map(str::to_owned),
        group: None,
    }
}

/// A received event of group `group`, told apart by its subject (`key`).
/// A participants event of group `g` keyed `key`, received and not processed yet.
async fn received(s: &AccountStore, key: &str) -> EventRecord {
    s.store()
        .receive_events(
            "https://graph.example",
            vec![NumberBatch {
                phone_number_id: "1000".into(),
                events: vec![new_event(key, "g", None)],
            }],
        )
        .await
        .expect("receive");
    s.unprocessed_events(1).await.expect("open").remove(0)
}

fn new_event(key: &str, group: &str, request_id: Option<&str>) -> NewEvent {
    use crate::domain::{EventField, EventType, GroupEvent};
    let mut event = GroupEvent::new(EventField::Participants, EventType::ParticipantsAdd);
    event.group_id = Some(group.into());
    event.request_id = request_id.map(str::to_owned);
    event.subject = Some(key.into());
    NewEvent {
        key: key.into(),
        event,
    }
}

fn outcome(id: OpId) -> Outcome {
    Outcome {
        at: 1,
        group_id: "g".into(),
        participant: person(1).e164().into(),
        username: None,
        action: OperationKind::Add,
        result: OperationState::Confirmed,
        code: None,
        message: None,
        request_id: Some("RQ-1".into()),
        operation_id: Some(id),
    }
}

fn exchange() -> Exchange {
    Exchange {
        at: 1_700_000_000_000,
        method: "POST".into(),
        path: "/v23.0/g1/participants".into(),
        group_id: Some("g1".into()),
        participants: "+12025550001".into(),
        status: None,
        graph_code: None,
        request_id: None,
        duration_ms: 30_000,
        error: Some("connection reset".into()),
    }
}

async fn pending(s: &AccountStore) -> Vec<Operation> {
    s.operations(OperationFilter::in_state(OperationState::Pending))
        .await
        .expect("list")
}

async fn queue(s: &AccountStore, group: &str, people: &[u32]) -> Vec<OpId> {
    let specs = people
        .iter()
        .map(|n| op(group, *n, OperationKind::Add))
        .collect();
    s.enqueue(specs).await.expect("enqueue").ids
}

async fn get(s: &AccountStore, id: OpId) -> Operation {
    let filter = OperationFilter {
        ids: Some(vec![id]),
        ..OperationFilter::default()
    };
    s.operations(filter).await.expect("list").remove(0)
}

async fn mirror(s: &AccountStore, id: &str, members: &[u32]) {
    mirror_people(s, id, members.iter().map(|n| person(*n).into()).collect()).await;
}

async fn mirror_people(s: &AccountStore, id: &str, members: Vec<Person>) {
    let group = MirrorGroup {
        id: id.into(),
        subject: id.into(),
        member_count: members.len() as u32,
        members,
        read_at: 1,
        gone_at: None,
        about: Default::default(),
    };
    s.upsert_groups(vec![group]).await.expect("mirror");
}

mod sqlite {
    use super::*;

    async fn open() -> (Box<dyn std::any::Any>, Store) {
        let (dir, store) = super::super::testing::temp_store();
        (Box::new(dir), store)
    }

    suite!(open);
}
