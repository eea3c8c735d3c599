package app.splitline.android

import android.app.Activity
import android.content.Context
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/*
 * The few view builders every screen uses (the UI is built in code, with
 * the platform's widgets and theme). Tests find views by the ids given here.
 */

/**
 * Makes this screen a padded vertical column in a scroll view (with
 * [scrollId]), titled [title] in the action bar; returns the column.
 */
fun Activity.screen(title: String, scrollId: Int = View.NO_ID): LinearLayout {
    this.title = title
    val column = column()
    val pad = (16 * resources.displayMetrics.density).toInt()
    column.setPadding(pad, pad, pad, pad)
    setContentView(
        ScrollView(this).apply {
            id = scrollId
            addView(column)
        },
    )
    return column
}

/** An empty vertical column. */
fun Context.column(): LinearLayout = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }

/** A full-width button with [viewId] that runs [onClick], added to this column. */
fun LinearLayout.button(viewId: Int, label: String, onClick: () -> Unit): Button =
    Button(context).apply {
        id = viewId
        text = label
        setOnClickListener { onClick() }
    }.also { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }

/**
 * A one-line text field with [viewId] and the hint [label], added to this
 * column; [inputType] (an `InputType` class with its variation) when given.
 */
fun LinearLayout.field(viewId: Int, label: String, inputType: Int? = null): EditText =
    EditText(context).apply {
        id = viewId
        hint = label
        isSingleLine = true
        if (inputType != null) this.inputType = inputType
    }.also { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }

/** A line of text with [viewId], added to this column. */
fun LinearLayout.label(viewId: Int = View.NO_ID, words: CharSequence = ""): TextView =
    TextView(context).apply {
        id = viewId
        text = words
    }.also { addView(it) }
