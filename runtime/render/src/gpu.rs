//! [`Gpu`]: the wgpu instance, adapter, device and queue, created once per
//! host process and shared by every renderer and window.

use std::time::Instant;

use crate::error::{Error, Result};

/// The GPU a host process draws with.
///
/// Creating one costs about 100 ms (more the very first time, when the driver
/// compiles its caches), so keep it alive across app launches.
#[derive(Debug, Clone)]
pub struct Gpu {
    /// The wgpu instance; a window's `wgpu::Surface` is created from it.
    pub instance: wgpu::Instance,
    /// The adapter (physical device or software rasterizer).
    pub adapter: wgpu::Adapter,
    /// The logical device.
    pub device: wgpu::Device,
    /// The device's queue.
    pub queue: wgpu::Queue,
}

impl Gpu {
    /// Creates a GPU for offscreen rendering only (no display connection).
    ///
    /// Honours wgpu's environment variables (`WGPU_BACKEND=vulkan|gl|...`,
    /// `WGPU_ADAPTER_NAME`, `WGPU_POWER_PREF`). On a machine without a GPU,
    /// Mesa's lavapipe (software Vulkan) is picked up like any other driver.
    ///
    /// # Errors
    ///
    /// [`Error::NoAdapter`] when no adapter at all exists, [`Error::Device`]
    /// when the adapter refuses to create a device.
    pub fn new_headless() -> Result<Gpu> {
        let started = Instant::now();
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "wgpu instance created"
        );
        Gpu::new_with_instance(instance, None)
    }

    /// Creates a GPU from an instance that the caller made, optionally one
    /// that must be able to present to `compatible_surface` (a window).
    ///
    /// For a window, create the instance with
    /// `wgpu::InstanceDescriptor::new_with_display_handle_from_env(Box::new(event_loop.owned_display_handle()))`,
    /// create the surface from it, then call this.
    ///
    /// # Errors
    ///
    /// As [`Gpu::new_headless`].
    pub fn new_with_instance(
        instance: wgpu::Instance,
        compatible_surface: Option<&wgpu::Surface<'_>>,
    ) -> Result<Gpu> {
        let started = Instant::now();
        let backends = wgpu::Backends::from_env().unwrap_or_default();
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::from_env().unwrap_or_default(),
            force_fallback_adapter: false,
            compatible_surface,
            apply_limit_buckets: false,
        }))
        .map_err(|e| Error::NoAdapter {
            backends: format!("{backends:?}"),
            reason: e.to_string(),
        })?;
        let summary = summarize(&adapter.get_info());
        let adapter_limits = adapter.limits();
        let required_limits = wgpu::Limits::downlevel_defaults()
            .using_resolution(adapter_limits.clone())
            .using_alignment(adapter_limits);
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("miniapp device"),
            required_features: wgpu::Features::empty(),
            required_limits,
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::MemoryUsage,
            trace: wgpu::Trace::Off,
        }))
        .map_err(|e| Error::Device {
            adapter: summary.clone(),
            reason: e.to_string(),
        })?;
        // wgpu's default handler panics; frames use error scopes, anything
        // else (a surface reconfigure, a texture upload) is logged instead
        device.on_uncaptured_error(std::sync::Arc::new(|e: wgpu::Error| {
            tracing::error!(error = %e, "uncaptured gpu error");
        }));
        tracing::info!(
            adapter = %summary,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "gpu ready"
        );
        Ok(Gpu {
            instance,
            adapter,
            device,
            queue,
        })
    }

    /// A one-line description of the adapter, e.g.
    /// `"Vulkan llvmpipe (LLVM 15.0.6, 256 bits) (Cpu, Mesa 22.3.6)"`.
    pub fn adapter_summary(&self) -> String {
        summarize(&self.adapter.get_info())
    }

    /// The backend in use (Vulkan, Gl, Metal, Dx12).
    pub fn backend(&self) -> wgpu::Backend {
        self.adapter.get_info().backend
    }

    /// Whether the adapter is a software rasterizer (lavapipe, llvmpipe, WARP).
    pub fn is_software(&self) -> bool {
        self.adapter.get_info().device_type == wgpu::DeviceType::Cpu
    }
}

fn summarize(info: &wgpu::AdapterInfo) -> String {
    let mut s = format!("{:?} {} ({:?}", info.backend, info.name, info.device_type);
    if !info.driver.is_empty() {
        s.push_str(", ");
        s.push_str(&info.driver);
        if !info.driver_info.is_empty() {
            s.push(' ');
            s.push_str(&info.driver_info);
        }
    }
    s.push(')');
    s
}
