//! Operations: what a change asks of the Graph API (its spec and kind), where it stands (its
//! state and the moves allowed between states), and the id it has in the queue.

mod describe;
mod id;
mod kind;
mod spec;
mod state;

pub use id::OpId;
pub use kind::OperationKind;
pub use spec::{OpSpec, SpecError, SpecParts};
pub use state::OperationState;
