//! What `std` would otherwise supply to the shipped `.wasm`: an allocator and a panic handler.
//!
//! Built only for wasm32 without the `std` feature (`make pkg`). Leaving `std` out drops its
//! panic machinery and, with it, every `core::fmt` path a panic message would pull in: the
//! `.wasm` shrinks by about half. The tests build with `std` and keep its handler.
//!
//! The allocator keeps one free list per power-of-two size class and takes fresh memory with
//! `memory.grow`. Invariants: every block of class `k` is `2^k` bytes, aligned to
//! `min(2^k, PAGE)`, and is either in use or on free list `k`, never both; memory is never
//! returned, so the heap is bounded by twice the peak live bytes. WebAssembly on the web is
//! single-threaded, so a plain cell suffices.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr;

const PAGE: usize = 65536;
/// The smallest block holds the free-list link; 2^4 = 16 bytes.
const MIN_CLASS: u32 = 4;
const CLASSES: usize = 32;

struct Heap {
    free: [usize; CLASSES],
    next: usize,
    end: usize,
}

struct Allocator(UnsafeCell<Heap>);

// wasm32-unknown-unknown runs one thread per instance.
unsafe impl Sync for Allocator {}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(Heap { free: [0; CLASSES], next: 0, end: 0 }));

/// The size class of a request: the smallest `k >= MIN_CLASS` with `2^k >= max(size, align)`.
fn class(layout: Layout) -> Option<u32> {
    let size = layout.size().max(layout.align()).max(1 << MIN_CLASS);
    let k = size.checked_next_power_of_two()?.trailing_zeros();
    ((k as usize) < CLASSES).then_some(k)
}

impl Heap {
    unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some(k) = class(layout) else { return ptr::null_mut() };
        let Some(free) = self.free.get_mut(k as usize) else { return ptr::null_mut() };
        let head = *free;
        if head != 0 {
            *free = *(head as *const usize);
            return head as *mut u8;
        }
        let size = 1usize << k;
        let align = size.min(PAGE);
        if layout.align() > align {
            return ptr::null_mut();
        }
        let start = self.next.checked_add(align - 1).map(|n| n & !(align - 1));
        let fits = start.and_then(|s| s.checked_add(size)).is_some_and(|e| e <= self.end);
        if self.next == 0 || !fits {
            let pages = size.div_ceil(PAGE) + 1;
            let old = wasm32::memory_grow(0, pages);
            if old == usize::MAX {
                return ptr::null_mut();
            }
            // Only this allocator grows memory, so the new pages follow the old region.
            if old * PAGE != self.end {
                self.next = old * PAGE;
            }
            self.end = (old + pages) * PAGE;
            return self.alloc(layout);
        }
        let start = start.unwrap_or_default();
        self.next = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&mut self, p: *mut u8, layout: Layout) {
        if let Some(free) = class(layout).and_then(|k| self.free.get_mut(k as usize)) {
            *(p as *mut usize) = *free;
            *free = p as usize;
        }
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).alloc(layout)
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        (*self.0.get()).dealloc(p, layout)
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(new) == class(layout) {
            return p; // the block already has room
        }
        let q = self.alloc(new);
        if !q.is_null() {
            ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
            self.dealloc(p, layout);
        }
        q
    }
}

/// A panic is a bug in this crate. It traps; the JS boundary turns the trap into a `CdnError`
/// of kind `"internal"`.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    wasm32::unreachable()
}
