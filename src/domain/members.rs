//! Who is in a group: the one answer to "is this person a member", used by planning, the queue
//! rules, settling, the target diff and the app. A person is found by any strong key (the phone
//! in any of WhatsApp's forms of it, or the BSUID); when the group shows some members by a key
//! the person is not known by, the answer is "cannot tell", never a guess.

use super::Person;
use super::number_forms::phone_key;

/// The members of one group as last read (or any list of people), found by their keys.
///
/// A plain list searched in turn: a group has at most 8 members, and a submit holds one of
/// these for every group it touches, so no index is kept beside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    people: Vec<Person>,
    /// How many members are known without a phone, and without a BSUID.
    without_phone: usize,
    without_user: usize,
}

/// Whether a person is one of the members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership<'a> {
    /// This member is them (a strong key matches).
    In(&'a Person),
    /// No member is them: every member holds a key the person holds too, and it differs.
    Out,
    /// No key matches, but some member is known only by a key the person is not known by (a
    /// phone against members shown by BSUID alone, or the reverse): no telling.
    Unknown,
}

impl Membership<'_> {
    /// Surely a member.
    pub fn is_in(self) -> bool {
        matches!(self, Membership::In(_))
    }

    /// Surely not a member.
    pub fn is_out(self) -> bool {
        self == Membership::Out
    }
}

impl Members {
    /// The members of a list (a person listed twice is one member).
    pub fn of<'a>(people: impl IntoIterator<Item = &'a Person>) -> Members {
        let mut members = Members::default();
        for person in people {
            members.insert(person.clone());
        }
        members
    }

    /// Adds a person unless they are already one of the members; whether they were added.
    pub fn insert(&mut self, person: Person) -> bool {
        if self.find(&person).is_in() {
            return false;
        }
        self.without_phone += usize::from(person.phone().is_none());
        self.without_user += usize::from(person.user_id().is_none());
        self.people.push(person);
        true
    }

    /// Whether `who` is one of the members, which one, or that it cannot be told.
    pub fn find(&self, who: &Person) -> Membership<'_> {
        let by_phone = who.phone().and_then(|phone| {
            let key = phone_key(phone.wa_id());
            self.people
                .iter()
                .find(|m| m.phone().is_some_and(|p| phone_key(p.wa_id()) == key))
        });
        let by_user = || {
            who.user_id()
                .and_then(|id| self.people.iter().find(|m| m.user_id() == Some(id)))
        };
        if let Some(member) = by_phone.or_else(by_user) {
            return Membership::In(member);
        }
        let unsure = (who.phone().is_none() || self.without_phone > 0)
            && (who.user_id().is_none() || self.without_user > 0);
        if unsure && !self.people.is_empty() {
            Membership::Unknown
        } else {
            Membership::Out
        }
    }

    /// Whether `who` is surely one of the members.
    pub fn contains(&self, who: &Person) -> bool {
        self.find(who).is_in()
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The members, in the order listed.
    pub fn iter(&self) -> impl Iterator<Item = &Person> {
        self.people.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, UserId};
    use proptest::prelude::*;

    fn phone(wa_id: &str) -> Person {
        Person::by_phone(Participant::from_wa_id(wa_id).expect("wa_id"))
    }

    fn user(id: &str) -> Person {
        Person::by_user_id(UserId::parse(id).expect("bsuid"))
    }

    fn both(wa_id: &str, id: &str) -> Person {
        Person::known(Participant::from_wa_id(wa_id).ok(), UserId::parse(id).ok()).expect("known")
    }

    #[test]
    fn members_are_found_whatever_form_the_server_used() {
        let p = phone("12025550143");
        let listed = [phone("12025550143")];
        assert!(Members::of(&listed).contains(&p));
        assert!(Members::of(&[phone("12025550144")]).find(&p).is_out());
        let br = Members::of(&[phone("551187654321")]);
        assert!(br.contains(&phone("5511987654321")), "the ninth digit");
        let mx = Members::of(&[phone("5215512345678")]);
        assert!(mx.contains(&phone("525512345678")), "Mexico's old 1");
    }

    #[test]
    fn members_known_only_by_bsuid_are_found_by_it_and_never_guessed() {
        let group = Members::of(&[both("12025550143", "US.1"), user("US.2")]);
        assert!(group.contains(&user("US.2")));
        assert_eq!(group.find(&user("US.1")), Membership::In(&group.people[0]));
        assert!(group.contains(&phone("12025550143")));
        assert!(
            group.find(&user("US.3")).is_out(),
            "every member has a BSUID"
        );
        assert_eq!(
            group.find(&phone("12025550199")),
            Membership::Unknown,
            "US.2's phone is not shown: it could be theirs"
        );
        // Members read before BSUIDs: a BSUID cannot be told from them.
        let old = Members::of(&[phone("12025550143")]);
        assert_eq!(old.find(&user("US.1")), Membership::Unknown);
        assert!(Members::default().find(&user("US.1")).is_out(), "no one");
    }

    #[test]
    fn one_person_listed_twice_is_one_member() {
        let m = Members::of(&[phone("551187654321"), phone("5511987654321"), user("BR.1")]);
        assert_eq!(m.len(), 2);
    }

    proptest! {
        #[test]
        fn a_member_in_either_form_is_found_and_no_one_else(
            area in "[1-9][1-9]", rest in "[6-9][0-9]{7}", other in "[6-9][0-9]{7}", old in any::<bool>(),
        ) {
            prop_assume!(rest != other);
            let (held, asked) = if old {
                (format!("55{area}{rest}"), format!("55{area}9{rest}"))
            } else {
                (format!("55{area}9{rest}"), format!("55{area}{rest}"))
            };
            let group = Members::of(&[phone(&held)]);
            prop_assert!(group.contains(&phone(&asked)));
            let someone_else = [format!("55{area}9{other}"), format!("55{area}{other}")];
            for wa_id in &someone_else {
                prop_assert!(group.find(&phone(wa_id)).is_out(), "{}", wa_id);
            }
        }
    }
}
