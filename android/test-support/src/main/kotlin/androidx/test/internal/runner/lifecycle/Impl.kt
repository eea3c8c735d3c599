// Test-only stand-in (see android/test-support/README.md).
@file:Suppress("unused")

package androidx.test.internal.runner.lifecycle

import android.app.Activity
import android.app.Application
import androidx.test.runner.lifecycle.ActivityLifecycleCallback
import androidx.test.runner.lifecycle.ActivityLifecycleMonitor
import androidx.test.runner.lifecycle.ApplicationLifecycleCallback
import androidx.test.runner.lifecycle.ApplicationLifecycleMonitor
import androidx.test.runner.lifecycle.ApplicationStage
import androidx.test.runner.lifecycle.Stage
import java.util.concurrent.CopyOnWriteArrayList

/** Tells the registered callbacks of each activity's lifecycle change. */
class ActivityLifecycleMonitorImpl : ActivityLifecycleMonitor {
    private val callbacks = CopyOnWriteArrayList<ActivityLifecycleCallback>()

    override fun addLifecycleCallback(callback: ActivityLifecycleCallback) {
        callbacks.add(callback)
    }

    override fun removeLifecycleCallback(callback: ActivityLifecycleCallback) {
        callbacks.remove(callback)
    }

    fun signalLifecycleChange(stage: Stage, activity: Activity) {
        callbacks.forEach { it.onActivityLifecycleChanged(activity, stage) }
    }
}

/** Tells the registered callbacks of the application's lifecycle change. */
class ApplicationLifecycleMonitorImpl : ApplicationLifecycleMonitor {
    private val callbacks = CopyOnWriteArrayList<ApplicationLifecycleCallback>()

    override fun addLifecycleCallback(callback: ApplicationLifecycleCallback) {
        callbacks.add(callback)
    }

    override fun removeLifecycleCallback(callback: ApplicationLifecycleCallback) {
        callbacks.remove(callback)
    }

    fun signalLifecycleChange(application: Application, stage: ApplicationStage) {
        callbacks.forEach { it.onApplicationLifecycleChanged(application, stage) }
    }
}
