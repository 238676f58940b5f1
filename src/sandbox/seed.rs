//! Believable generated data: group subjects, descriptions and real-format mobile numbers.

use std::collections::BTreeSet;

use rand::RngExt;

use super::ids::SandboxRng;

/// Most members a group may have (the business excluded).
pub const GROUP_CAPACITY: usize = 8;

const PLACES: &[&str] = &[
    "Riverside",
    "Hillcrest",
    "Oakwood",
    "Harbor",
    "Downtown",
    "Maple Street",
    "Lakeside",
    "Northgate",
    "Sunset",
    "Brookfield",
    "Cedar Park",
    "Old Town",
];
const CLUBS: &[&str] = &[
    "Runners",
    "Book Club",
    "Parents",
    "Cyclists",
    "Gardeners",
    "Chess Club",
    "Choir",
    "Volunteers",
    "Yoga",
    "Neighbours",
    "Photography",
    "Bakers",
];
const TOPICS: &[&str] = &[
    "support",
    "delivery updates",
    "returns",
    "installation",
    "warranty claim",
    "billing question",
];
const TEAMS: &[&str] = &[
    "Sales",
    "Field Service",
    "Customer Success",
    "Wholesale",
    "Events",
    "Catering",
];
const DESCRIPTIONS: &[&str] = &[
    "",
    "Updates and questions, one place.",
    "Be kind, stay on topic.",
    "Weekly plans and last-minute changes.",
    "Our team answers within one business day.",
];
/// Real US area codes (NANP), so generated numbers look like real mobiles.
const US_AREA_CODES: &[&str] = &[
    "201", "212", "213", "305", "312", "404", "415", "503", "512", "617", "646", "702", "713",
    "786", "818", "917",
];

fn pick<'a>(rng: &mut SandboxRng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.random_range(0..items.len()))
        .copied()
        .unwrap_or("")
}

/// A human group subject such as "Riverside Runners" or "Order #4812 support".
pub fn subject(rng: &mut SandboxRng) -> String {
    match rng.random_range(0..4u8) {
        0 => format!(
            "Order #{} {}",
            rng.random_range(1000..10000u32),
            pick(rng, TOPICS)
        ),
        1 => format!(
            "{} {} {}",
            pick(rng, TEAMS),
            pick(rng, PLACES),
            rng.random_range(2024..2027u32)
        ),
        _ => format!("{} {}", pick(rng, PLACES), pick(rng, CLUBS)),
    }
}

/// A short group description, sometimes empty.
pub fn description(rng: &mut SandboxRng) -> String {
    pick(rng, DESCRIPTIONS).to_owned()
}

/// UK mobile ranges (after +44 7) that libphonenumber takes as valid throughout.
const UK_MOBILE_PREFIXES: &[&str] = &[
    "400", "415", "480", "500", "710", "800", "900", "912", "920", "950", "980",
];

/// A mobile number in wa_id form (digits only): US, UK or Brazil, valid in the numbering plan,
/// never ending in 0000.
pub fn mobile_number(rng: &mut SandboxRng) -> String {
    loop {
        let number = match rng.random_range(0..10u8) {
            0..=5 => format!(
                "1{}{}{:06}",
                pick(rng, US_AREA_CODES),
                rng.random_range(2..10u8),
                rng.random_range(0..1_000_000u32)
            ),
            6 | 7 => format!(
                "447{}{:06}",
                pick(rng, UK_MOBILE_PREFIXES),
                rng.random_range(0..1_000_000u32)
            ),
            _ => format!("55119{:08}", rng.random_range(0..100_000_000u32)),
        };
        if !number.ends_with("0000") {
            return number;
        }
    }
}

/// 0 to 8 distinct members.
pub fn members(rng: &mut SandboxRng) -> BTreeSet<String> {
    let count = rng.random_range(0..=GROUP_CAPACITY);
    let mut members = BTreeSet::new();
    while members.len() < count {
        members.insert(mobile_number(rng));
    }
    members
}

/// A creation time in the two years before 2025-01-01, in unix seconds.
pub fn created_at(rng: &mut SandboxRng) -> u64 {
    1_735_689_600 - rng.random_range(0..2 * 365 * 24 * 3600u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn numbers_are_valid_in_the_numbering_plan() {
        let mut rng = SandboxRng::seed_from_u64(3);
        for _ in 0..5000 {
            let n = mobile_number(&mut rng);
            assert!(n.bytes().all(|b| b.is_ascii_digit()), "{n}");
            assert!(!n.ends_with("0000"), "{n}");
            // Operators type these numbers back: they must pass libphonenumber's validation.
            let parsed = phonenumber::parse(None, format!("+{n}")).expect("parses");
            assert!(phonenumber::is_valid(&parsed), "{n}");
        }
    }

    #[test]
    fn members_stay_within_capacity() {
        let mut rng = SandboxRng::seed_from_u64(4);
        for _ in 0..500 {
            assert!(members(&mut rng).len() <= GROUP_CAPACITY);
        }
        assert!(!subject(&mut rng).is_empty());
    }
}
