// Test-only stand-in (see android/test-support/README.md).
@file:Suppress("unused")

package androidx.test.runner.lifecycle

import android.app.Activity
import android.app.Application

enum class Stage { PRE_ON_CREATE, CREATED, STARTED, RESUMED, PAUSED, STOPPED, RESTARTED, DESTROYED }

enum class ApplicationStage { PRE_ON_CREATE, CREATED }

fun interface ActivityLifecycleCallback {
    fun onActivityLifecycleChanged(activity: Activity, stage: Stage)
}

fun interface ApplicationLifecycleCallback {
    fun onApplicationLifecycleChanged(application: Application, stage: ApplicationStage)
}

interface ActivityLifecycleMonitor {
    fun addLifecycleCallback(callback: ActivityLifecycleCallback)
    fun removeLifecycleCallback(callback: ActivityLifecycleCallback)
}

interface ApplicationLifecycleMonitor {
    fun addLifecycleCallback(callback: ApplicationLifecycleCallback)
    fun removeLifecycleCallback(callback: ApplicationLifecycleCallback)
}

object ActivityLifecycleMonitorRegistry {
    @Volatile private var monitor: ActivityLifecycleMonitor? = null

    @JvmStatic
    fun registerInstance(monitor: ActivityLifecycleMonitor?) {
        this.monitor = monitor
    }

    @JvmStatic
    fun getInstance(): ActivityLifecycleMonitor =
        monitor ?: throw IllegalStateException("no activity lifecycle monitor registered")
}

object ApplicationLifecycleMonitorRegistry {
    @Volatile private var monitor: ApplicationLifecycleMonitor? = null

    @JvmStatic
    fun registerInstance(monitor: ApplicationLifecycleMonitor?) {
        this.monitor = monitor
    }

    @JvmStatic
    fun getInstance(): ApplicationLifecycleMonitor =
        monitor ?: throw IllegalStateException("no application lifecycle monitor registered")
}
