//! Where each part of the screen sits for a terminal size (the views' areas, from which they
//! also take their page sizes), and where a popup goes.

use ratatui::layout::Rect;

/// The areas of the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    /// The whole screen (overlays are drawn over it).
    pub screen: Rect,
    pub status: Rect,
    pub groups: Rect,
    pub group: Rect,
    pub log: Rect,
    pub footer: Rect,
}

/// The status bar's rows: the account and queue, then the work in flight.
pub const STATUS_ROWS: u16 = 2;

/// The areas at `area`'s size; `zoom` gives the log the rows of the groups and the group.
pub fn areas(area: Rect, zoom: bool) -> Areas {
    let h = area.height;
    let status = Rect {
        height: h.min(STATUS_ROWS),
        ..area
    };
    let footer = Rect {
        y: area.y + h.saturating_sub(1),
        height: h.min(1).min(h.saturating_sub(STATUS_ROWS)),
        ..area
    };
    let middle_h = h.saturating_sub(STATUS_ROWS + 1);
    let log_h = if zoom {
        middle_h
    } else {
        (middle_h / 3).clamp(5.min(middle_h), middle_h)
    };
    let top_h = middle_h - log_h;
    let top_y = area.y + status.height;
    let groups_w = if area.width >= 60 {
        (area.width * 45 / 100).max(30)
    } else {
        area.width / 2
    };
    Areas {
        screen: area,
        status,
        groups: Rect::new(area.x, top_y, groups_w, top_h),
        group: Rect::new(area.x + groups_w, top_y, area.width - groups_w, top_h),
        log: Rect::new(area.x, top_y + top_h, area.width, log_h),
        footer,
    }
}

/// A centred popup of at most `w` x `h` inside `area`.
pub fn popup(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_fit_at_80x24_and_tiny_sizes_do_not_panic() {
        let a = areas(Rect::new(0, 0, 80, 24), false);
        assert_eq!(a.status.y, 0);
        assert_eq!(a.footer.y, 23);
        assert_eq!(a.groups.height + a.log.height, 21);
        assert_eq!(a.groups.width + a.group.width, 80);
        let zoomed = areas(Rect::new(0, 0, 80, 24), true);
        assert_eq!((zoomed.groups.height, zoomed.log.height), (0, 21));
        for (w, h) in [(0, 0), (1, 1), (10, 3), (200, 2)] {
            let _ = areas(Rect::new(0, 0, w, h), false);
            let _ = areas(Rect::new(0, 0, w, h), true);
        }
    }
}
